"""The report laid out once as blocks (headings, text, tables, charts, lists), so that the
Markdown, HTML and PDF writers only say how each kind of block looks."""

from evaluators.value.report.blocks import Block, Bullets, Chart, Heading, Table, Text
from evaluators.value.report.document import Report
from evaluators.value.report.numbers import formatted, signed
from evaluators.value.report.quality import JUDGE_CORRECTION
from evaluators.value.report.sections import causes_blocks, dimension_blocks, waterfall_blocks

NO_DATA = (
    "No data was recorded for {month}: no calls, feedback, graded samples or outcomes "
    "reached valuewatch in this month, so there is nothing to score or report."
)


def report_blocks(report: Report) -> list[Block]:
    """Every block of the report, in reading order."""
    state = "the month is closed" if report.final else (
        f"month to date, through {report.through:%Y-%m-%d %H:%M} UTC")
    blocks: list[Block] = [
        Heading(f"Value report {report.month}: {_status(report)}", 1),
        Text(f"{state.capitalize()}. Generated {report.generated_at:%Y-%m-%d %H:%M} UTC. "
             f"Money in {report.currency}."),
        *_standing(report),
    ]
    if not report.has_data:
        return [*blocks, Text(NO_DATA.format(month=report.month)), *_actions(report)]
    return [*blocks, *_summary(report), *_long_term(report), *dimension_blocks(report),
            *waterfall_blocks(report), *causes_blocks(report), *_expectations(report),
            *_quality(report), *_incidents(report),
            *_emerging(report), *_assessments(report), *_actions(report)]


def _status(report: Report) -> str:
    """Draft, final or revised, and whether the month is partial, for the title."""
    if report.status == "revised":
        status = f"revised (revision {report.revision})"
    elif report.status == "final":
        status = "final"
    else:
        status = f"draft, month to date ({(report.prorated_share or 0.0):.0%} elapsed)"
    coverage = report.coverage
    if coverage is not None and coverage.partial and coverage.first_day is not None:
        status += f", partial month ({coverage.data_days} of {coverage.elapsed_days} days)"
    return status


def _standing(report: Report) -> list[Block]:
    """Revision, data coverage and prorated targets: what the scores rest on."""
    blocks: list[Block] = []
    if report.revision > 1:
        blocks.append(Text(f"Revised (revision {report.revision}): {report.revision_reason}."))
    coverage = report.coverage
    if coverage is not None and coverage.partial and coverage.first_day is not None:
        blocks.append(Text(
            f"Partial month ({coverage.label()}): {coverage.data_days} of "
            f"{coverage.elapsed_days} day(s) have data."))
    if report.prorated_share is not None:
        blocks.append(Text(
            "Volume targets (LLM spend, total cost, hours saved, value created, risk "
            "incidents, calls) are monthly totals, so the month to date is scored against "
            f"target × {report.prorated_share:.1%}, the share of the month elapsed."))
    return blocks


def _score(value: float | None) -> str:
    return formatted(value, "score")


def _summary(report: Report) -> list[Block]:
    s, money = report.summary, report.currency.lower()
    movers = [f"{line.kpi}: score {_score(line.previous_score)} → {_score(line.score)} "
              f"({formatted(line.previous, line.unit)} → {formatted(line.value, line.unit)})"
              for line in s.movers]
    return [
        Heading("Executive summary"),
        Text(f"Value score {_score(s.value_score)} (last month {_score(s.previous_value_score)})."
             f" ROI {formatted(s.roi, 'ratio')}: value created {formatted(s.value_created, money)}"
             f" for a total cost of {formatted(s.total_cost, money)}."
             + (f" {s.unpriced_calls:,} call(s) of models without a price are not in the"
                " cost: add them to the price table (VALUEWATCH_PRICE_TABLE)."
                if s.unpriced_calls else "")),
        Text("Biggest movers since last month:" if movers else
             "No KPI score moved since last month (or last month has no data)."),
        *([Bullets(movers)] if movers else []),
    ]


def _long_term(report: Report) -> list[Block]:
    lt, money = report.long_term, report.currency.lower()
    trend = ("too few months for a trend" if lt.value_score_trend_per_month is None else
             f"the value score moves {lt.value_score_trend_per_month:+.1f} points a month")
    return [
        Heading("Short term against long term"),
        Text(f"Over the last {len(lt.months)} month(s) with data: value created "
             f"{formatted(lt.cumulative_value, money)}, cost {formatted(lt.cumulative_cost, money)}"
             f", cumulative ROI {formatted(lt.cumulative_roi, 'ratio')}; {trend}."),
        Chart("trend", "Value score, value created and cost by month",
              [f"{point.month}  score {_score(point.value_score)}, value "
               f"{formatted(point.value_created, money)}, cost {formatted(point.total_cost, money)}"
               for point in lt.months]),
    ]


def _expectations(report: Report) -> list[Block]:
    blocks: list[Block] = [
        Heading("Where value came from and where it fell short"),
        Text("Met or beat their target:"),
        Bullets([f"{item.kpi}: {item.reason}" for item in report.over_expectation] or ["none"]),
        Text("Fell short of their target:"),
        Bullets([f"{item.kpi}: {item.reason}" for item in report.under_expectation] or ["none"]),
    ]
    for item in report.breakdowns:
        unit = "count" if item.measure in ("calls", "errors") else report.currency.lower()
        title = f"{item.measure.replace('_', ' ')} by {item.by.replace('_', ' ')}"
        blocks.append(Table((title, "last month", "this month", "change"), [
            (c.name, formatted(c.previous, unit), formatted(c.current, unit),
             signed(c.change, unit)) for c in item.items
        ]))
    return blocks


def _quality(report: Report) -> list[Block]:
    return [
        Heading("Quality and drift"),
        Table(("app", "model", "task", "graded", "accuracy", "windows below target"), [
            (a.app, a.model, a.task, f"{a.graded:,}", formatted(a.ratio, "ratio"),
             str(a.windows_below_target)) for a in report.accuracy
        ]) if report.accuracy else Text("No graded samples this month."),
        *([Text(JUDGE_CORRECTION)] if report.accuracy else []),
        Table(("app", "model", "signal", "method", "windows", "drifted", "max score"), [
            (d.app, d.model, d.signal, d.method, str(d.windows), str(d.detected),
             f"{d.max_score:.3g}") for d in report.drift
        ]) if report.drift else Text("No drift evaluation this month."),
        Heading("Fairness across segments"),
        Table(("app", "model", "segment", "metric", "windows", "significant gap", "max gap",
               "lowest"), [
            (f.app, f.model, f.segment, f.metric, str(f.windows), str(f.significant),
             f"{f.max_gap:.3g}", f.lowest) for f in report.fairness
        ]) if report.fairness else Text("No fairness evaluation this month (see "
                                        "VALUEWATCH_SEGMENTS)."),
    ]


def _incidents(report: Report) -> list[Block]:
    return [
        Heading("Incidents"),
        Table(("alert", "severity", "status", "started", "ended", "summary"), [
            (a.alertname, a.severity, a.status, f"{a.starts_at:%Y-%m-%d %H:%M}",
             f"{a.ends_at:%Y-%m-%d %H:%M}" if a.ends_at else "", a.summary)
            for a in report.alerts
        ]) if report.alerts else Text("No alert fired this month."),
        Table(("day", "app", "calls", "error rate", "month's error rate"), [
            (e.day, e.app, f"{e.calls:,}", formatted(e.error_rate, "ratio"),
             formatted(e.month_error_rate, "ratio")) for e in report.error_spikes
        ]) if report.error_spikes else Text("No error spike in the daily rollups."),
    ]


def _emerging(report: Report) -> list[Block]:
    return [
        Heading("Emerging use cases"),
        Table(("use case", "status", "calls", "last month"), [
            (u.use_case, u.status, f"{u.calls:,}", f"{u.previous_calls:,}")
            for u in report.emerging_use_cases
        ]) if report.emerging_use_cases else Text("No new or fast-growing use case."),
        Text("Themes found in prompt text (the topics job), against the app's average:"),
        Table(("app", "terms", "status", "first seen", "share", "users", "tagged",
               "thumbs up", "accuracy", "latency s", "cost per call"), [
            (e.app, ", ".join(e.terms), e.status, e.first_seen.date().isoformat(),
             formatted(e.share, "ratio"), f"{e.users:,}", e.covered_by or "untagged",
             _versus(e.thumbs_up_ratio, e.average_thumbs_up_ratio),
             _versus(e.accuracy, e.average_accuracy),
             _versus(e.latency_s, e.average_latency_s),
             _versus(e.cost_per_call, e.average_cost_per_call))
            for e in report.emerging_themes
        ]) if report.emerging_themes else Text("No new or growing theme in prompt text."),
    ]


def _versus(value: float | None, average: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3g} (avg {average:.3g})" if average is not None else f"{value:.3g}"


def _assessments(report: Report) -> list[Block]:
    return [
        Heading("Qualitative assessments"),
        Table(("assessment", "score", "note"), [
            (a.name.replace("_", " "), _score(a.score), a.note) for a in report.assessments
        ]) if report.assessments else Text("None entered for this month."),
    ]


def _actions(report: Report) -> list[Block]:
    return [
        Heading("Recommended actions"),
        Bullets([f"{a.action} (rule: {a.rule}; evidence: {a.evidence})" if a.evidence else
                 f"{a.action} (rule: {a.rule})" for a in report.actions] or ["none"]),
    ]
