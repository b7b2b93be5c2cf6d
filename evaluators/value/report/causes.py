"""Why each KPI moved or missed: its change decomposed into mix and rate effects, tied to
the drift, incidents, error spikes and traffic shifts recorded over the month."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from evaluators.value.days import DailyRows
from evaluators.value.report.decompose import Totals, decompose, grouped
from evaluators.value.report.document import (
    Decomposition,
    Evidence,
    KpiCauses,
    KpiLine,
    Report,
)
from evaluators.value.report.evidence import (
    DriftWindows,
    drift_evidence,
    incident_evidence,
    share_evidence,
    spike_evidence,
    use_case_evidence,
)
from evaluators.value.report.numbers import signed
from metrics.value.config import ValueConfig
from metrics.value.periods import Month

MAX_EVIDENCE = 4
MAX_GROUPS = 2


@dataclass(frozen=True)
class Split:
    """How a kind's rate is decomposed: which rows, grouped how, weighted by what."""

    label: str  # what the rate is, in words
    rows: str  # the DailyRows field
    group: Callable[[dict[str, Any]], str]
    weight: str
    amount: Callable[[dict[str, Any]], float]
    signals: tuple[str, ...]  # drift signals that can move it
    alert_words: tuple[str, ...] = ()
    unit: str = ""
    keep: Callable[[dict[str, Any]], bool] = lambda row: True


def _app_model(row: dict[str, Any]) -> str:
    return f"{row['app']}/{row['model']}"


def _splits(config: ValueConfig) -> dict[str, Split]:
    money = config.currency.lower()
    per_usd = config.currency_per_usd
    feedback = ("feedback_rating", "feedback_score", "use_case", "input_tokens", "latency_s")
    return {
        "cost_per_call": Split("cost per call by model", "usage", lambda r: r["model"], "calls",
                               lambda r: r["cost_usd"] * per_usd,
                               ("input_tokens", "output_tokens", "cost_usd"), ("cost",), money),
        "latency_p95_seconds": Split(
            "mean latency by app and model", "usage", _app_model, "calls",
            lambda r: r["latency_s_sum"], ("latency_s", "ttft_s", "input_tokens",
                                           "output_tokens"), ("latency", "slow"), "seconds"),
        "error_rate": Split("error rate by app and model", "usage", _app_model, "calls",
                            lambda r: r["errors"], ("error_type", "finish_reason"),
                            ("error", "fail"), "ratio"),
        "accuracy": Split("accuracy by app and task", "accuracy",
                          lambda r: f"{r['app']}/{r['task']}", "graded", lambda r: r["correct"],
                          ("input_tokens", "use_case", "accuracy_score", "output_tokens"),
                          ("accuracy",), "ratio"),
        "csat": Split("CSAT by app and model", "feedback", _app_model, "value_count",
                      lambda r: r["positive"], feedback, ("feedback", "csat"), "ratio",
                      lambda r: r["kind"] == "rating"),
        "thumbs_up_ratio": Split("thumbs up by app and model", "feedback", _app_model,
                                 "value_count", lambda r: r["positive"], feedback,
                                 ("feedback",), "ratio", lambda r: r["kind"] == "thumbs"),
    }


def _totals(days: DailyRows, split: Split) -> Totals:
    rows = [row for row in getattr(days, split.rows) if split.keep(row)]
    return grouped(rows, split.group, split.weight, split.amount)


def _effect_lines(kpi: str, split: Decomposition) -> list[str]:
    unit = split.unit
    lines = [
        f"{kpi}: {split.measure} went {signed(split.change, unit)} "
        f"({_plain(split.previous, unit)} → {_plain(split.current, unit)}): mix effect "
        f"{signed(split.mix, unit)} (shares moving between groups), rate effect "
        f"{signed(split.rate, unit)} (rates moving within groups)"
    ]
    for e in split.groups[:MAX_GROUPS]:
        if not (e.mix or e.rate_effect):
            continue
        rate = (f"its {split.measure.split(' by ')[0]} went {_plain(e.previous_rate, unit)} → "
                f"{_plain(e.rate, unit)}" if e.previous_rate is not None and e.rate is not None
                else "new this month" if e.previous_rate is None else "gone this month")
        lines.append(
            f"{kpi} in {e.group}: {signed(e.mix + e.rate_effect, unit)} of the change "
            f"(share {e.previous_share * 100:.1f}% → {e.share * 100:.1f}%, {rate})")
    spread = [e for e in split.groups if e.rate_effect and (e.rate_effect > 0) == (split.rate > 0)]
    if split.rate and len(split.groups) > 2:
        where = ("across nearly all groups" if len(spread) >= 0.75 * len(split.groups) else
                 f"within {len(spread)} of {len(split.groups)} groups")
        lines.append(f"{kpi}: the rate effect is {where}")
    return lines


def _plain(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    if unit == "seconds":
        return f"{value:.2f} s"
    return f"{value:.4f} {unit.upper()}"


def _movers(split: Decomposition) -> set[str]:
    """The groups whose own rate moved the way the whole did."""
    return {e.group for e in split.groups if e.rate_effect and (e.rate_effect > 0) == (
        split.change > 0)}


VALUE_KINDS = ("value_created", "hours_saved", "roi", "payback_months", "cost_per_outcome")


def value_lines(line: KpiLine, kind: str, report: Report) -> list[str]:
    """Value KPIs: the change of value created by app (the parts add up to the change);
    ROI also with the change of cost."""
    by_app = next((b for b in report.breakdowns if b.measure == "value_created"
                   and b.by == "app"), None)
    if by_app is None or not line.change:
        return []
    money = report.currency.lower()
    parts = ", ".join(f"{c.name} {signed(c.change, money)}" for c in by_app.items if c.change)
    total = sum(c.change for c in by_app.items)
    lead = {
        "value_created": "value created by app",
        "hours_saved": "the hours are the value of task outcomes; value created by app",
        "roi": "the return rose or fell with value created by app",
        "payback_months": "the initial investment is paid back from monthly net value; "
                          "value created by app",
        "cost_per_outcome": "outcomes counted rose or fell with value created by app",
    }[kind]
    lines = [f"{line.kpi}: {lead}: {parts} (together {signed(total, money)})"] if parts else []
    if kind == "roi":
        spend = next((b for b in report.breakdowns if b.measure == "llm_spend"
                      and b.by == "model"), None)
        if spend is not None and any(abs(c.change) >= 0.005 for c in spend.items):
            lines.append(f"{line.kpi} also moved with LLM spend by model: " + ", ".join(
                f"{c.name} {signed(c.change, money)}" for c in spend.items
                if abs(c.change) >= 0.005))
    return lines


def kpi_causes(line: KpiLine, kind: str, split: Split | None, days: DailyRows,
               previous: DailyRows, report: Report, drift: list[DriftWindows],
               first_days: dict[str, str], month: Month) -> KpiCauses:
    """The decomposition and evidence of one KPI."""
    decomposition = None if split is None else decompose(
        split.label, split.unit, _totals(previous, split), _totals(days, split))
    evidence: list[Evidence] = []
    if split is not None:
        groups = _movers(decomposition) if decomposition else None
        if groups and split.rows == "accuracy":  # grouped by app and task: drift is per app
            groups = {group.split("/")[0] for group in groups}
        # No group moved the way the KPI did: drift elsewhere is no cause of it.
        found = [] if decomposition and not groups else drift_evidence(
            drift, split.signals, groups or None)
        found.sort(key=lambda e: [s in e.text for s in split.signals].index(True))
        evidence += found
        evidence += incident_evidence(report.alerts, split.alert_words)
    if kind in ("error_rate", "slo_attainment"):
        evidence += spike_evidence(report.error_spikes)
    if kind in ("accuracy", "csat", "calls", "use_case_coverage", "value_created"):
        evidence += use_case_evidence(
            [u for u in report.emerging_use_cases if u.status == "new"], first_days)
    if kind == "cost_per_call":
        evidence += share_evidence(decomposition, "calls", month)
    lines = _effect_lines(line.kpi, decomposition) if decomposition and decomposition.change \
        else []
    lines += value_lines(line, kind, report) if kind in VALUE_KINDS else []
    lines += [f"{line.kpi}: {item.text}" for item in evidence[:MAX_EVIDENCE]]
    return KpiCauses(kpi=line.kpi, decomposition=decomposition,
                     evidence=evidence[:MAX_EVIDENCE], lines=lines)


def all_causes(report: Report, config: ValueConfig, days: DailyRows, previous: DailyRows,
               drift: list[DriftWindows], month: Month) -> list[KpiCauses]:
    """Causes of every KPI that moved since last month or missed its target."""
    splits = _splits(config)
    kinds = {kpi.name: str(kpi.kind) for kpi in config.kpis}
    first_days: dict[str, str] = {}
    for row in sorted(days.usage, key=lambda r: r["day"]):
        first_days.setdefault(row["use_case"], f"{row['day']:%Y-%m-%d}")
    found = []
    for dimension in report.dimensions:
        for line in dimension.kpis:
            kind = kinds.get(line.kpi, "")
            moved = bool(line.change) or (line.score is not None and line.score < 100)
            if not moved or (kind not in splits and kind not in
                             ("slo_attainment", "calls", "use_case_coverage", *VALUE_KINDS)):
                continue
            causes = kpi_causes(line, kind, splits.get(kind), days, previous, report, drift,
                                first_days, month)
            if causes.lines:
                found.append(causes)
    return found
