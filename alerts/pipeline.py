"""The generation pipeline, as Sloth runs it: load the spec, validate it, make the recording
rules, then the alerts, link each to the runbook, and write YAML."""

from alerts.alertmanager import alertmanager_config
from alerts.burn_rate import burn_rate_group
from alerts.model_server import model_server_group
from alerts.platform import platform_group
from alerts.quality import quality_group
from alerts.recording import recording_groups
from alerts.render import prometheus_rule, rules_file, to_yaml
from alerts.rules import RuleGroup
from alerts.runbook import with_runbook_links
from metrics.conventions import ALERTMANAGER_FILE, PROMETHEUS_RULE_FILE, RULES_FILE
from metrics.monitoring import MonitoringConfig, load_monitoring, validate_monitoring
from metrics.settings import Settings


def rule_groups(config: MonitoringConfig) -> tuple[RuleGroup, ...]:
    """Every recording and alerting rule group, alerts linked to the runbook."""
    groups = (
        *recording_groups(config.slos, config.period_days),
        burn_rate_group(config.slos, config.period_days),
        quality_group(config),
        platform_group(config),
        model_server_group(config),
    )
    return with_runbook_links(groups, config.runbook_url)


def alert_files(settings: Settings) -> dict[str, str]:
    """File name → contents: the rules file, the PrometheusRule and the Alertmanager example."""
    config = validate_monitoring(load_monitoring(settings))
    groups = rule_groups(config)
    return {
        RULES_FILE: rules_file(groups),
        PROMETHEUS_RULE_FILE: prometheus_rule(groups),
        ALERTMANAGER_FILE: to_yaml(alertmanager_config(config)),
    }
