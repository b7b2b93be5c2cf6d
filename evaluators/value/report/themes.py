"""Emerging themes: what the topics job found in prompt text, new this month (after the
first WARM_UP of the app's topic history, which is its baseline) or growing in the
month's last week, with the evidence that makes it worth a look."""

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, func, select

from evaluators.value.report.document import EmergingTheme
from metrics.store.topics import ALL_CALLS, TopicTheme
from metrics.value.periods import Month

WARM_UP = timedelta(days=7)  # themes first seen this soon after the first window: baseline
GROWING_DAYS = timedelta(days=7)
GROWTH_FACTOR = 2.0
GROWTH_MIN_CALLS = 50
TAG_COVERAGE = 0.6  # as the topics job counts it
_themes: Table = TopicTheme.__table__  # type: ignore[attr-defined]
QUALITY = ("thumbs_up_ratio", "accuracy", "latency_s", "cost_per_call")


def emerging_themes(connection: Connection, month: Month, through: datetime) -> list[EmergingTheme]:
    """New and growing themes of `month` up to `through`, largest share first."""
    t = _themes.c
    starts = dict(connection.execute(
        select(t.app, func.min(t.window_start)).group_by(t.app)).all())
    rows = connection.execute(
        select(_themes).where(t.window_start >= month.start, t.window_start < through)
        .order_by(t.window_start)
    ).mappings().all()
    everything = {(r["app"], r["window_start"]): r for r in rows if r["theme_id"] == ALL_CALLS}
    lineages: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in rows:
        if row["theme_id"] != ALL_CALLS:
            lineages[(row["app"], row["theme_id"])].append(row)
    found = []
    for (app, _), theme_rows in lineages.items():
        status = _status(theme_rows, starts[app], month, through,
                         [r for (a, _), r in everything.items() if a == app])
        if status:
            found.append(_evidence(app, status, theme_rows, everything))
    found.sort(key=lambda theme: (-theme.share, theme.app, theme.terms))
    return found


def _status(rows: list[Any], history_start: datetime, month: Month, through: datetime,
            app_rows: list[Any]) -> str | None:
    """New, growing (its share of the last GROWING_DAYS at least GROWTH_FACTOR times its
    share of the month's days before) or None."""
    first_seen = rows[0]["first_seen"]
    if first_seen >= month.start and first_seen >= history_start + WARM_UP:
        return "new"
    cut = through - GROWING_DAYS
    recent, earlier = _share(rows, app_rows, cut, through), _share(rows, app_rows, None, cut)
    calls = sum(r["calls"] for r in rows if r["window_start"] >= cut)
    if earlier and calls >= GROWTH_MIN_CALLS and recent >= GROWTH_FACTOR * earlier:
        return "growing"
    return None


def _share(rows: list[Any], app_rows: list[Any], start: datetime | None,
           end: datetime) -> float:
    def within(row: Any) -> bool:
        return (start is None or row["window_start"] >= start) and row["window_start"] < end
    total = sum(r["calls"] for r in app_rows if within(r))
    return sum(r["calls"] for r in rows if within(r)) / total if total else 0.0


def _evidence(app: str, status: str, rows: list[Any],
              everything: dict[tuple[str, datetime], Any]) -> EmergingTheme:
    seen = [r for r in rows if r["calls"] > 0]
    alls = [everything[(app, r["window_start"])] for r in seen
            if (app, r["window_start"]) in everything]
    calls = sum(r["calls"] for r in seen)
    tagged = max(seen, key=lambda r: r["calls"]) if seen else rows[-1]
    quality = {name: _weighted(seen, name) for name in QUALITY}
    average = {f"average_{name}": _weighted(alls, name) for name in QUALITY}
    return EmergingTheme(
        app=app, terms=list((seen or rows)[-1]["terms"]), status=status,
        first_seen=rows[0]["first_seen"],
        share=calls / max(sum(r["calls"] for r in alls), 1), calls=calls,
        users=max((r["users"] for r in seen), default=0),
        covered_by=tagged["use_case"] if tagged["use_case_share"] > TAG_COVERAGE else None,
        **quality, **average,
    )


def _weighted(rows: list[Any], name: str) -> float | None:
    measured = [(r[name], r["calls"]) for r in rows if r[name] is not None and r["calls"]]
    weight = sum(calls for _, calls in measured)
    return sum(value * calls for value, calls in measured) / weight if weight else None
