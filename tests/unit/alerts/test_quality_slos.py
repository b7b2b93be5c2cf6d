"""The quality SLOs: which events they count, and which burn rates they can reach."""

import re
from dataclasses import replace

import pytest

from alerts.burn_rate import burn_rate_group
from alerts.rules import RecordingRule, RuleGroup
from metrics.monitoring import MonitoringConfig, load_monitoring, validate_monitoring
from metrics.slo import SLO
from tests.golden.compare import settings_without_environment


def recording_rule(groups: tuple[RuleGroup, ...], record: str, slo: str) -> RecordingRule:
    """The recording rule `record` of the SLO `slo`."""
    return next(r for g in groups for r in g.rules if isinstance(r, RecordingRule)
                and r.record == record and r.labels["slo"] == slo)


def burn_alerts(config: MonitoringConfig) -> dict[str, str]:
    """Alert name → expression of every burn-rate alert `config` gives."""
    return {a.alert: a.expr for a in burn_rate_group(config.slos, config.period_days).alerts()}


@pytest.mark.parametrize(("slo", "errors", "total"), [
    ("accuracy",
     'sum by (app) (rate(valuewatch_accuracy_samples_total{correct="false"}[5m]))\nor\n'
     '0 * sum by (app) (rate(valuewatch_accuracy_samples_total{correct=~"true|false"}[5m]))',
     'sum by (app) (rate(valuewatch_accuracy_samples_total{correct=~"true|false"}[5m]))'),
    ("positive_feedback",
     'sum by (app) (rate(valuewatch_feedback_total{sentiment="negative"}[5m]))\nor\n'
     '0 * sum by (app) (rate(valuewatch_feedback_total{sentiment=~"positive|negative"}[5m]))',
     'sum by (app) (rate(valuewatch_feedback_total{sentiment=~"positive|negative"}[5m]))'),
], ids=["accuracy counts graded calls judged wrong of those judged right or wrong",
        "positive feedback counts negative feedback of positive and negative"])
def test_a_quality_sli_counts_bad_events_of_those_that_say_good_or_bad(
    groups: tuple[RuleGroup, ...], slo: str, errors: str, total: str
) -> None:
    assert recording_rule(groups, "slo:sli_error_events:rate5m", slo).expr == errors
    assert recording_rule(groups, "slo:sli_total_events:rate5m", slo).expr == total


def test_the_quality_slos_have_the_same_error_ratio_rules_as_the_call_slos(
    groups: tuple[RuleGroup, ...],
) -> None:
    assert recording_rule(groups, "slo:sli_error:ratio_rate6h", "accuracy").expr == (
        'sum_over_time(slo:sli_error_events:rate5m{slo="accuracy"}[6h])\n/\n'
        '(sum_over_time(slo:sli_total_events:rate5m{slo="accuracy"}[6h]) > 0)'
    )
    assert recording_rule(groups, "slo:error_budget:ratio", "positive_feedback").expr == (
        "vector(0.2)"
    )


def test_burn_rates_an_error_ratio_cannot_reach_are_left_out(config: MonitoringConfig) -> None:
    exprs = burn_alerts(config)
    # 14.4 x 10% is over 100%: the accuracy page keeps only its 6-hour pair (6 x 10%).
    assert "ratio_rate1h" not in exprs["ValuewatchAccuracyFastBurn"]
    assert 'ratio_rate6h{slo="accuracy"} > (6 * 0.1)' in exprs["ValuewatchAccuracyFastBurn"]
    # At 80%, even all-negative feedback burns 5 times too fast: no page, only the ticket.
    assert "ValuewatchPositiveFeedbackFastBurn" not in exprs
    assert 'ratio_rate3d{slo="positive_feedback"} > (1 * 0.2)' in (
        exprs["ValuewatchPositiveFeedbackSlowBurn"])
    # The call SLOs keep both pairs of both alerts.
    assert "ratio_rate1h" in exprs["ValuewatchAvailabilityFastBurn"]


def test_a_higher_positive_feedback_target_brings_its_page_back(
    config: MonitoringConfig,
) -> None:
    slos = tuple(SLO("positive_feedback", 0.9) if s.kind == "positive_feedback" else s
                 for s in config.slos)
    page = burn_alerts(replace(config, slos=slos))["ValuewatchPositiveFeedbackFastBurn"]
    assert 'ratio_rate6h{slo="positive_feedback"} > (6 * 0.1)' in page
    assert "ratio_rate1h" not in page


def test_the_quality_slos_say_what_a_good_event_is(config: MonitoringConfig) -> None:
    assert config.slo("accuracy").describe() == "90% of graded calls are judged correct"
    assert config.slo("positive_feedback").describe() == (
        "80% of positive and negative feedback is positive"
    )
    assert config.slo("positive_feedback").title == "PositiveFeedback"


@pytest.mark.parametrize(("change", "message"), [
    ({"slo_accuracy_target": 1.0}, "VALUEWATCH_SLO_ACCURACY_TARGET must be between 0 and 1"),
    ({"slo_positive_feedback_target": 0.0},
     "VALUEWATCH_SLO_POSITIVE_FEEDBACK_TARGET must be between 0 and 1"),
], ids=["a 100% accuracy objective is refused", "a 0% positive feedback objective is refused"])
def test_a_quality_target_outside_0_and_1_is_refused_by_name(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        validate_monitoring(load_monitoring(settings_without_environment(**change)))
