"""What a paged person relies on: every alert says how bad, what it is about, and where the
runbook is; the SLO alerts use the SRE workbook's windows; bad settings are refused."""

import re
from dataclasses import replace
from pathlib import Path

import pytest

from alerts.pipeline import rule_groups
from alerts.rules import AlertRule, RecordingRule, RuleGroup
from metrics.conventions import ALERT_NAME, RECORDING_RULE_NAME, runbook_anchor
from metrics.monitoring import MonitoringConfig, load_monitoring, validate_monitoring
from metrics.slo import BURN_RATE_ALERTS, SLO
from tests.golden.compare import settings_without_environment

RUNBOOK = Path(__file__).resolve().parents[3] / "docs" / "runbook.md"


def runbook_anchors() -> set[str]:
    """GitHub's anchors of the runbook's headings (lower case, spaces to dashes)."""
    headings = re.findall(r"^#+ (.+)$", RUNBOOK.read_text(), flags=re.MULTILINE)
    return {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in headings}


def test_every_alert_has_a_severity_a_summary_a_description_and_a_runbook_link(
    alerts: list[AlertRule], config: MonitoringConfig
) -> None:
    assert len(alerts) == 21
    for alert in alerts:
        rule = alert.as_dict()
        assert rule["labels"]["severity"] in ("page", "ticket"), alert.alert
        assert rule["annotations"]["summary"].endswith("."), alert.alert
        assert len(rule["annotations"]["description"]) > 40, alert.alert
        assert rule["annotations"]["runbook_url"] == (
            f"{config.runbook_url}#{runbook_anchor(alert.alert)}"
        )


def test_every_runbook_link_lands_on_a_section_of_the_runbook(alerts: list[AlertRule]) -> None:
    assert {runbook_anchor(alert.alert) for alert in alerts} - runbook_anchors() == set()


def test_alert_and_recording_rule_names_follow_the_conventions(
    groups: tuple[RuleGroup, ...],
) -> None:
    for group in groups:
        for rule in group.rules:
            if isinstance(rule, AlertRule):
                assert ALERT_NAME.match(rule.alert), rule.alert
            else:
                assert isinstance(rule, RecordingRule)
                assert RECORDING_RULE_NAME.match(rule.record), rule.record


def test_over_30_days_the_burn_rates_are_the_sre_workbooks() -> None:
    factors = [(pair.long, pair.short, pair.factor(30))
               for alert in BURN_RATE_ALERTS for pair in alert.windows]
    assert factors == [("1h", "5m", 14.4), ("6h", "30m", 6.0),
                       ("1d", "2h", 3.0), ("3d", "6h", 1.0)]
    assert [alert.severity for alert in BURN_RATE_ALERTS] == ["page", "ticket"]


def test_over_28_days_the_same_budget_shares_give_lower_burn_rates() -> None:
    factors = [pair.factor(28) for alert in BURN_RATE_ALERTS for pair in alert.windows]
    assert factors == pytest.approx([13.44, 5.6, 2.8, 0.933333], abs=1e-6)


def test_the_page_fires_on_both_windows_and_five_bad_calls_in_the_long_one(
    groups: tuple[RuleGroup, ...],
) -> None:
    page = next(a for g in groups for a in g.alerts() if a.alert == "ValuewatchLatencyFastBurn")
    assert page.expr == (
        "(\n"
        'slo:sli_error:ratio_rate5m{slo="latency"} > (14.4 * 0.05)\nand\n'
        'slo:sli_error:ratio_rate1h{slo="latency"} > (14.4 * 0.05)\nand\n'
        '(\nsum_over_time(slo:sli_error_events:rate5m{slo="latency"}[1h:1m]) * 60 >= 5\nor\n'
        'slo:sli_error_events:rate5m{slo="latency"} * 300 >= 5\n)\n'
        ")\nor\n(\n"
        'slo:sli_error:ratio_rate30m{slo="latency"} > (6 * 0.05)\nand\n'
        'slo:sli_error:ratio_rate6h{slo="latency"} > (6 * 0.05)\nand\n'
        '(\nsum_over_time(slo:sli_error_events:rate5m{slo="latency"}[6h:1m]) * 60 >= 5\nor\n'
        'slo:sli_error_events:rate5m{slo="latency"} * 300 >= 5\n)\n'
        ")"
    )
    assert page.for_ == ""  # the short window already makes it stop soon after the burn


def recording_rule(groups: tuple[RuleGroup, ...], record: str, slo: str) -> RecordingRule:
    """The recording rule `record` of the SLO `slo`."""
    return next(r for g in groups for r in g.rules if isinstance(r, RecordingRule)
                and r.record == record and r.labels["slo"] == slo)


def test_the_latency_sli_counts_successful_calls_over_the_thresholds_bucket(
    groups: tuple[RuleGroup, ...],
) -> None:
    slow = recording_rule(groups, "slo:sli_error_events:rate5m", "latency").expr
    assert 'le="2.56"' in slow
    assert 'error_type=""' in slow
    assert recording_rule(groups, "slo:sli_total_events:rate5m", "latency").expr == (
        'sum by (app) (rate(gen_ai_client_operation_duration_seconds_count{error_type=""}[5m]))'
    )


def test_every_sli_window_is_a_ratio_of_summed_events_not_a_mean_of_ratios(
    groups: tuple[RuleGroup, ...],
) -> None:
    assert recording_rule(groups, "slo:sli_error:ratio_rate30d", "availability").expr == (
        'sum_over_time(slo:sli_error_events:rate5m{slo="availability"}[30d])\n/\n'
        '(sum_over_time(slo:sli_total_events:rate5m{slo="availability"}[30d]) > 0)'
    )
    windows = [r.expr for g in groups for r in g.rules if isinstance(r, RecordingRule)
               and r.record.startswith("slo:sli_error:ratio_rate")]
    assert len(windows) == 32  # 7 alert windows and the period, for four SLOs
    assert all("avg_over_time" not in w and "> 0)" in w for w in windows)


@pytest.mark.parametrize(("change", "message"), [
    ({"slo_latency_threshold_s": 2.0}, "VALUEWATCH_SLO_LATENCY_THRESHOLD_S=2.0 is not a bucket "
     "boundary of gen_ai_client_operation_duration_seconds; pick one of 0.01, 0.02"),
    ({"slo_availability_target": 1.0}, "VALUEWATCH_SLO_AVAILABILITY_TARGET must be between 0 "
     "and 1"),
    ({"alerts_runbook_url": ""}, "VALUEWATCH_ALERTS_RUNBOOK_URL is required"),
    ({"alerts_collector_job": 'a"b'}, "VALUEWATCH_ALERTS_COLLECTOR_JOB='a\"b' has characters"),
], ids=["a latency threshold between bucket boundaries is refused",
        "a 100% objective, which leaves no error budget, is refused",
        "an empty runbook URL is refused",
        "a job name that would break a label matcher is refused"])
def test_a_setting_that_would_make_a_rule_wrong_is_refused_by_name(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        validate_monitoring(load_monitoring(settings_without_environment(**change)))


def test_with_the_evaluators_inside_serve_there_is_no_evaluator_absent_alert(
    config: MonitoringConfig,
) -> None:
    names = {a.alert for g in rule_groups(replace(config, evaluator_job="")) for a in g.alerts()}
    assert "ValuewatchEvaluatorAbsent" not in names
    assert "ValuewatchCollectorAbsent" in names


def test_an_slo_says_what_a_good_call_is() -> None:
    assert SLO("availability", 0.999).describe() == "99.9% of calls do not fail"
    assert SLO("latency", 0.95, 1.28).describe() == (
        "95% of successful calls take under 1.28 s"
    )
    assert SLO("availability", 0.999).error_budget == 0.001


def test_the_vllm_alerts_take_their_thresholds_from_the_monitoring_config(
    config: MonitoringConfig,
) -> None:
    tighter = replace(config, thresholds=replace(config.thresholds, vllm_waiting_requests=4,
                                                 vllm_kv_cache_saturation=0.8))
    exprs = {a.alert: a.expr for g in rule_groups(tighter) for a in g.alerts()}
    assert "(vllm:num_requests_waiting) > 4\n" in exprs["ValuewatchVllmQueueGrowing"]
    assert exprs["ValuewatchVllmKvCacheSaturated"].endswith(
        "(vllm:kv_cache_usage_perc or vllm:gpu_cache_usage_perc) > 0.8")
