"""The internal model every pipeline step works on: groups of recording and alerting rules."""

from dataclasses import dataclass, field, replace
from typing import Any

from metrics.conventions import ALERT_PREFIX


@dataclass(frozen=True)
class RecordingRule:
    """A query whose result Prometheus stores under `record`."""

    record: str
    expr: str
    labels: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The rule as Prometheus' rule file spells it."""
        rule: dict[str, Any] = {"record": self.record, "expr": self.expr}
        if self.labels:
            rule["labels"] = dict(self.labels)
        return rule


@dataclass(frozen=True)
class AlertRule:
    """An alert: fires while `expr` has a result, after `for_` when given."""

    alert: str
    expr: str
    severity: str
    summary: str
    description: str
    for_: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    runbook_url: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The rule as Prometheus' rule file spells it."""
        rule: dict[str, Any] = {"alert": self.alert, "expr": self.expr}
        if self.for_:
            rule["for"] = self.for_
        rule["labels"] = {"severity": self.severity, **self.labels}
        rule["annotations"] = {
            "summary": self.summary, "description": self.description,
            "runbook_url": self.runbook_url,
        }
        return rule

    def linked(self, runbook_url: str) -> "AlertRule":
        """The same alert pointing at its runbook section."""
        return replace(self, runbook_url=runbook_url)


Rule = RecordingRule | AlertRule


@dataclass(frozen=True)
class RuleGroup:
    """Rules Prometheus evaluates in order, at the global evaluation interval."""

    name: str
    rules: tuple[Rule, ...]

    def as_dict(self) -> dict[str, Any]:
        """The group as Prometheus' rule file spells it."""
        return {"name": self.name, "rules": [rule.as_dict() for rule in self.rules]}

    def alerts(self) -> tuple[AlertRule, ...]:
        """The group's alerting rules."""
        return tuple(rule for rule in self.rules if isinstance(rule, AlertRule))


def alert(name: str, severity: str, expr: str, *, summary: str, description: str,
          for_: str = "", labels: dict[str, str] | None = None) -> AlertRule:
    """One of our alerts: `name` gets the alert prefix; the runbook link comes later."""
    return AlertRule(f"{ALERT_PREFIX}{name}", expr, severity, summary, description, for_,
                     labels or {})
