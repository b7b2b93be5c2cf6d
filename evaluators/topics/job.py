"""The topics job: one window's prompts, redacted, clustered into themes with their
share, users and quality; then the content the job no longer needs is blanked."""

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    delete,
    func,
    insert,
    or_,
    select,
)

from evaluators.topics.themes import find_themes
from evaluators.topics.tracking import KnownTheme, TrackedTheme, track
from evaluators.windows import Window
from metrics.content import blank_content, prompt_text
from metrics.redaction import redact
from metrics.store.tables import AccuracySample, Feedback, FeedbackKind, Inference
from metrics.store.topics import ALL_CALLS, TopicTheme
from metrics.types import utc_now

LOOKBACK = timedelta(days=28)  # earlier themes matched against this window's
TAG_COVERAGE = 0.6  # a tag on more than this share of a theme's calls covers it
_inference: Table = Inference.__table__  # type: ignore[attr-defined]
_feedback: Table = Feedback.__table__  # type: ignore[attr-defined]
_accuracy: Table = AccuracySample.__table__  # type: ignore[attr-defined]
_themes: Table = TopicTheme.__table__  # type: ignore[attr-defined]


def evaluate_topics(connection: Connection, window: Window, *, min_users: int,
                    max_themes: int, content_hours: float,
                    clock: Callable[[], datetime] = utc_now) -> int:
    """Store the themes of every app's prompts in `window`, then blank the content of
    calls before the window's end or that arrived over `content_hours` before `clock()`;
    returns the theme rows written."""
    connection.execute(delete(_themes).where(_themes.c.window_start == window.start))
    calls = connection.execute(
        select(_inference.c.id, _inference.c.app, _inference.c.user_hash,
               _inference.c.use_case, _inference.c.latency_s, _inference.c.cost_usd,
               _inference.c.attributes)
        .where(_inference.c.timestamp >= window.start, _inference.c.timestamp < window.end)
        .order_by(_inference.c.app, _inference.c.id)
    ).mappings().all()
    thumbs, accuracy = _quality(connection, window)
    by_app: dict[str, list[Any]] = {}
    for call in calls:
        by_app.setdefault(call["app"], []).append(call)
    rows: list[dict[str, Any]] = []
    for app, app_calls in by_app.items():
        rows.extend(_app_rows(connection, window, app, app_calls, thumbs, accuracy,
                              min_users=min_users, max_themes=max_themes))
    if rows:
        connection.execute(insert(_themes), rows)
    blank_content(connection, before=window.end,
                  received_before=clock() - timedelta(hours=content_hours))
    return len(rows)


def _app_rows(connection: Connection, window: Window, app: str, calls: Sequence[Any],
              thumbs: dict[tuple[str, str], float], accuracy: dict[tuple[str, str], float],
              *, min_users: int, max_themes: int) -> list[dict[str, Any]]:
    with_prompt = [(i, prompt_text(c["attributes"])) for i, c in enumerate(calls)]
    with_prompt = [(i, redact(text)) for i, text in with_prompt if text]
    if not with_prompt:
        return []
    positions = [i for i, _ in with_prompt]
    found = find_themes([text for _, text in with_prompt],
                        [calls[i]["user_hash"] for i in positions],
                        min_users=min_users, max_themes=max_themes)
    tracked = track([(t.terms, [positions[m] for m in t.members]) for t in found],
                    _known(connection, app, window), calls=len(calls),
                    window_start=window.start)
    everything = TrackedTheme(ALL_CALLS, "all calls", (), window.start, "all",
                              list(range(len(calls))))
    return [_row(app, window, theme, calls, thumbs, accuracy)
            for theme in (everything, *tracked)]


def _row(app: str, window: Window, theme: TrackedTheme, calls: Sequence[Any],
         thumbs: dict[tuple[str, str], float], accuracy: dict[tuple[str, str], float]
         ) -> dict[str, Any]:
    members = [calls[m] for m in theme.members]
    keys = [(c["app"], c["id"]) for c in members]
    tags = Counter(c["use_case"] for c in members if c["use_case"])
    tag, tagged = tags.most_common(1)[0] if tags else (None, 0)
    costs = [c["cost_usd"] for c in members if c["cost_usd"] is not None]
    return {
        "app": app, "window_start": window.start, "window_end": window.end,
        "theme_id": theme.theme_id, "label": theme.label, "terms": list(theme.terms),
        "status": theme.status, "first_seen": theme.first_seen, "calls": len(members),
        "share": len(members) / len(calls),
        "users": len({c["user_hash"] for c in members if c["user_hash"]}),
        "use_case": tag, "use_case_share": tagged / len(members) if members else 0.0,
        "thumbs_up_ratio": _mean([thumbs[k] for k in keys if k in thumbs]),
        "accuracy": _mean([accuracy[k] for k in keys if k in accuracy]),
        "latency_s": _mean([c["latency_s"] for c in members]),
        "cost_per_call": sum(costs) / len(costs) if costs else None,
    }


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _quality(connection: Connection, window: Window
             ) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], float]]:
    """Per call of the window: its mean thumbs (0-1) and its mean accuracy (0-1)."""
    i, f, a = _inference.c, _feedback.c, _accuracy.c
    in_window = (i.timestamp >= window.start, i.timestamp < window.end)
    thumbs = connection.execute(
        select(i.app, i.id, func.avg(f.value))
        .join(_feedback, (f.inference_id == i.id) & or_(f.app == "", f.app == i.app))
        .where(*in_window, f.kind == FeedbackKind.thumbs, f.value.is_not(None))
        .group_by(i.app, i.id)
    ).all()
    graded = connection.execute(
        select(i.app, i.id, a.correct, a.score)
        .join(_accuracy, (a.inference_id == i.id) & (a.app == i.app)).where(*in_window)
    ).all()
    scores: dict[tuple[str, str], list[float]] = {}
    for app, call, correct, score in graded:
        value = float(correct) if correct is not None else score
        if value is not None:
            scores.setdefault((app, call), []).append(value)
    return ({(app, call): float(v) for app, call, v in thumbs},
            {key: sum(v) / len(v) for key, v in scores.items()})


def _known(connection: Connection, app: str, window: Window) -> list[KnownTheme]:
    """Each theme of `app` seen in the LOOKBACK before `window`, as last seen."""
    t = _themes.c
    rows = connection.execute(
        select(t.theme_id, t.label, t.terms, t.share, t.first_seen, t.window_end)
        .where(t.app == app, t.theme_id != ALL_CALLS, t.calls > 0,
               t.window_start < window.start, t.window_end > window.start - LOOKBACK)
        .order_by(t.window_end)
    ).all()
    latest = {row.theme_id: row for row in rows}
    # Matched on every term a theme had in the lookback: its terms wander from day to day.
    terms: dict[str, Counter[str]] = {}
    for row in rows:
        terms.setdefault(row.theme_id, Counter()).update(row.terms or ())
    return [KnownTheme(r.theme_id, r.label, tuple(t for t, _ in terms[r.theme_id].most_common()),
                       r.share, r.first_seen, r.window_end) for r in latest.values()]
