"""Fixtures for the alert tests: the generated rules and Alertmanager's amtool."""

import pytest

from alerts.pipeline import rule_groups
from alerts.rules import AlertRule, RuleGroup
from metrics.monitoring import MonitoringConfig, load_monitoring, validate_monitoring
from tests.golden.compare import settings_without_environment
from tests.integration.prometheus_stack import binary


@pytest.fixture
def config() -> MonitoringConfig:
    """The monitoring config of the default settings."""
    return validate_monitoring(load_monitoring(settings_without_environment()))


@pytest.fixture
def groups(config: MonitoringConfig) -> tuple[RuleGroup, ...]:
    """Every rule group the default settings give."""
    return rule_groups(config)


@pytest.fixture
def alerts(groups: tuple[RuleGroup, ...]) -> list[AlertRule]:
    """Every alerting rule the default settings give."""
    return [alert for group in groups for alert in group.alerts()]


@pytest.fixture
def amtool() -> str:
    """The path of amtool (Debian's `prometheus-alertmanager` package)."""
    return binary("amtool")
