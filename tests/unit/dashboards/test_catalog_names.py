"""Every metric a dashboard or a rule reads is one the catalog declares (or a recording rule
we generate, or Prometheus' `up`); every catalog metric is read somewhere, or listed below
with the reason it is not."""

import json
import re

import pytest

from alerts.pipeline import rule_groups
from alerts.rules import RecordingRule
from dashboards.build import dashboard_files, panel_queries, variable_queries
from metrics.catalog import CATALOG
from metrics.monitoring import load_monitoring, validate_monitoring
from tests.golden.compare import settings_without_environment

KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan", "by", "without", "on",
            "ignoring", "group_left", "group_right"}
STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
IDENTIFIER = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
NOT_ON_A_DASHBOARD = {
    "valuewatch_ingest_commit_rows": "a tuning figure for bench/, not for the on-call",
    "valuewatch_evaluation_samples": "behind each result; read through /api/v1/evaluations",
    "valuewatch_feedback_score_mean": "score feedback is rare; the thumbs and ratings show it",
    "valuewatch_feedback_score_mean_lower": "as valuewatch_feedback_score_mean",
    "valuewatch_feedback_score_mean_upper": "as valuewatch_feedback_score_mean",
    "valuewatch_outcome_value_total": "sums values of mixed units; value_created is the KPI",
}


def metric_names(expr: str) -> set[str]:
    """Metric names in a PromQL expression: identifiers that are not functions, keywords,
    label names, label values, durations or numbers."""
    if expr.startswith("label_values("):
        return {IDENTIFIER.match(expr, len("label_values(")).group()}  # type: ignore[union-attr]
    bare = STRINGS.sub('""', expr)
    bare = re.sub(r"\{[^}]*\}", "", bare)
    bare = re.sub(r"\[[^\]]*\]", "", bare)
    bare = GROUPING.sub("", bare)
    bare = re.sub(r"\boffset\s+\w+", "", bare)
    names = set()
    for found in IDENTIFIER.finditer(bare):
        is_call = bare[found.end():].lstrip().startswith("(")
        number = bare[found.start() - 1:found.start()].isdigit() if found.start() else False
        if not is_call and not number and found.group().lower() not in KEYWORDS:
            names.add(found.group())
    return names


def declared_names() -> set[str]:
    """Catalog names as Prometheus stores them, our recording rules, and `up`."""
    names = {"up"}
    for entry in CATALOG:
        names.add(entry.name)
        if entry.kind == "histogram":
            names.update(f"{entry.name}_{suffix}" for suffix in ("bucket", "count", "sum"))
    return names | {rule.record for _, rule in recording_rules()}


def recording_rules() -> list[tuple[str, RecordingRule]]:
    config = validate_monitoring(load_monitoring(settings_without_environment()))
    return [(g.name, r) for g in rule_groups(config) for r in g.rules
            if isinstance(r, RecordingRule)]


def every_query() -> list[tuple[str, str]]:
    """(where, PromQL) for every dashboard panel and variable and every rule."""
    found = []
    for name, text in dashboard_files(settings_without_environment()).items():
        document = json.loads(text)
        found += [(f"{name}: {title}", q) for title, q in panel_queries(document)]
        found += [(f"{name}: ${variable}", q) for variable, q in variable_queries(document)]
    config = validate_monitoring(load_monitoring(settings_without_environment()))
    for group in rule_groups(config):
        found += [(f"rule {rule.as_dict().get('alert') or rule.as_dict()['record']} "
                   f"{rule.labels.get('slo', '')}".rstrip(), rule.expr) for rule in group.rules]
    return found


def test_the_name_finder_sees_metrics_and_nothing_else() -> None:
    expr = ('histogram_quantile(0.95, sum by (le, app) (rate(x_bucket{le="2.56", app=~"$app"}'
            '[$__rate_interval] offset 1w))) > 2 * on (app) group_left y:z:ratio or vector(0)'
            ' and absent(up{job="a"} == 1) unless time() - w > 1e3')
    assert metric_names(expr) == {"x_bucket", "y:z:ratio", "up", "w"}
    assert metric_names('label_values(calls_count{app=~"$app"}, model)') == {"calls_count"}


@pytest.mark.parametrize(("where", "expr"), every_query(), ids=[w for w, _ in every_query()])
def test_every_metric_a_query_reads_is_declared(where: str, expr: str) -> None:
    if not expr.startswith("vector("):  # an SLO's objective, budget or period: a constant
        assert metric_names(expr), f"{where}: no metric found in {expr!r}"
    assert metric_names(expr) - declared_names() == set()


def test_every_catalog_metric_is_read_by_a_dashboard_or_a_rule_unless_listed() -> None:
    read = {name for _, expr in every_query() for name in metric_names(expr)}
    read |= {re.sub(r"_(bucket|count|sum)$", "", name) for name in read}
    unread = {entry.name for entry in CATALOG} - read
    assert unread == set(NOT_ON_A_DASHBOARD)
