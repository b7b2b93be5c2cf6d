"""The pipeline's runbook step: every alert links to its section of docs/runbook.md."""

from alerts.rules import AlertRule, RuleGroup
from metrics.conventions import runbook_anchor


def runbook_link(base_url: str, alert: str) -> str:
    """The URL of `alert`'s section in the runbook served at `base_url`."""
    return f"{base_url}#{runbook_anchor(alert)}"


def with_runbook_links(groups: tuple[RuleGroup, ...], base_url: str) -> tuple[RuleGroup, ...]:
    """`groups` with each alert's runbook_url set."""
    return tuple(
        RuleGroup(group.name, tuple(
            rule.linked(runbook_link(base_url, rule.alert)) if isinstance(rule, AlertRule)
            else rule
            for rule in group.rules
        ))
        for group in groups
    )
