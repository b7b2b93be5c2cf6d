"""An example Alertmanager configuration for the generated alerts.

Pages go to a pager, tickets to a ticket queue, and every valuewatch alert also goes to
valuewatch's own incident endpoint, which records it beside the calls it is about.
"""

from typing import Any

from metrics.conventions import OUR_ALERTS_MATCHER, PAGE, SEVERITY_LABEL, TICKET
from metrics.monitoring import MonitoringConfig

PAGER = "pager"
TICKETS = "tickets"
INCIDENTS = "valuewatch-incidents"


def alertmanager_config(config: MonitoringConfig) -> dict[str, Any]:
    """Routes by severity, plus a copy of our alerts to valuewatch; secrets are placeholders."""
    return {
        "route": {
            "receiver": TICKETS,
            "group_by": ["alertname", "app", "slo"],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "4h",
            "routes": [
                {"receiver": INCIDENTS, "matchers": [OUR_ALERTS_MATCHER], "continue": True},
                {"receiver": PAGER, "matchers": [f'{SEVERITY_LABEL}="{PAGE}"'],
                 "repeat_interval": "1h"},
                {"receiver": TICKETS, "matchers": [f'{SEVERITY_LABEL}="{TICKET}"']},
            ],
        },
        "inhibit_rules": [{
            # A page says it all: the ticket for the same SLO and app would repeat it.
            "source_matchers": [f'{SEVERITY_LABEL}="{PAGE}"'],
            "target_matchers": [f'{SEVERITY_LABEL}="{TICKET}"'],
            "equal": ["app", "slo"],
        }],
        "receivers": [
            {"name": PAGER, "pagerduty_configs": [
                {"routing_key": "<PAGERDUTY_INTEGRATION_KEY>", "send_resolved": True},
            ]},
            {"name": TICKETS, "webhook_configs": [
                {"url": "https://tickets.example.com/alertmanager", "send_resolved": True},
            ]},
            {"name": INCIDENTS, "webhook_configs": [{
                "url": config.incident_webhook_url,
                "send_resolved": True,
                "http_config": {"authorization": {
                    "type": "Bearer", "credentials": "<VALUEWATCH_INGEST_KEY>",
                }},
            }]},
        ],
    }
