"""How often the topics job gets a planted topic right, over fixed seeds: a new untagged
topic in the last week is reported new with its terms, and a month without one reports
nothing new. Nine days (the first seven the report's warm-up) keep it quick."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from planted import NEW_TOPIC, TOPICS, planted_prompt
from sqlalchemy import delete

from evaluators.topics.job import evaluate_topics
from evaluators.value.report.themes import emerging_themes
from evaluators.windows import Window
from metrics.store.database import Store
from metrics.store.tables import Inference
from metrics.store.topics import TopicTheme
from metrics.value.periods import Month

MARCH = Month.parse("2026-03")
DAY = timedelta(days=1)
FIRST_DAY = MARCH.end - 9 * DAY  # the 23rd: the month's last nine days
DAYS = 9
NEW_FROM = 7  # days after FIRST_DAY: the new topic's first day, after the warm-up
NEW_SHARE = 0.3
CALLS_A_DAY = 80
MAX_THEMES = 6  # four known topics and the new one, with room to spare
SEEDS = range(10)
REQUIRED = 0.9  # share of seeds that must come out right
TERMS_REQUIRED = 3


def days_of_calls(seed: int, *, new_topic: bool) -> list[dict[str, Any]]:
    """Calls on the known topics, tagged, and from day NEW_FROM on, when `new_topic`, a
    fifth of them on an untagged new topic (the same draws either way until then)."""
    rng = np.random.default_rng(seed)
    rows = []
    for day in range(DAYS):
        start = FIRST_DAY + day * DAY
        for n in range(CALLS_A_DAY):
            new = bool(rng.random() < NEW_SHARE) and new_topic and day >= NEW_FROM
            tag = None if new else str(rng.choice(list(TOPICS)))
            at = start + DAY * (n + 0.5) / CALLS_A_DAY
            rows.append({
                "id": f"{day}-{n}", "app": "support", "model": "gpt-4o", "latency_s": 1.0,
                "timestamp": at, "received_at": at, "user_hash": f"user-{rng.integers(40)}",
                "use_case": tag,
                "attributes": {"prompt": planted_prompt(rng, NEW_TOPIC if new else TOPICS[tag])},
            })
    return rows


def evaluate_days(store: Store, rows: list[dict[str, Any]], days: range) -> None:
    """Store the calls of `days` and run the job on each of them, in order."""
    starts = [FIRST_DAY + day * DAY for day in days]
    with store.engine.begin() as connection:
        connection.execute(Inference.__table__.insert(), [  # type: ignore[attr-defined]
            row for row in rows if starts[0] <= row["timestamp"] < starts[-1] + DAY])
    for start in starts:
        window = Window(start, start + DAY)
        with store.engine.begin() as connection:
            evaluate_topics(connection, window, min_users=5, max_themes=MAX_THEMES,
                            content_hours=24, clock=lambda end=window.end: end)


def reported_new(store: Store) -> list[tuple[str, ...]]:
    """The terms of each theme the report calls new."""
    with store.engine.connect() as connection:
        found = emerging_themes(connection, MARCH, MARCH.end)
    return [tuple(theme.terms) for theme in found if theme.status == "new"]


def forget_days_from(store: Store, day: int) -> None:
    """Delete the calls and themes of `day` on (nothing, for day 0)."""
    start = FIRST_DAY + day * DAY
    with store.engine.begin() as connection:
        connection.execute(delete(TopicTheme.__table__).where(  # type: ignore[arg-type]
            TopicTheme.__table__.c.window_start >= start))  # type: ignore[attr-defined]
        connection.execute(delete(Inference.__table__).where(  # type: ignore[arg-type]
            Inference.__table__.c.timestamp >= start))  # type: ignore[attr-defined]


def test_a_planted_new_topic_is_found_and_a_month_without_one_reports_nothing_new(
    tmp_path: Path,
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'valuewatch.db'}")
    store.migrate()
    found, false_new = [], []
    for seed in SEEDS:
        # The two months draw the same calls until NEW_FROM: their first days run once.
        forget_days_from(store, 0)
        with_new = days_of_calls(seed, new_topic=True)
        evaluate_days(store, with_new, range(NEW_FROM))
        evaluate_days(store, with_new, range(NEW_FROM, DAYS))
        found.append(any(len(set(terms) & set(NEW_TOPIC)) >= TERMS_REQUIRED
                         for terms in reported_new(store)))
        forget_days_from(store, NEW_FROM)
        evaluate_days(store, days_of_calls(seed, new_topic=False), range(NEW_FROM, DAYS))
        false_new.append(bool(reported_new(store)))
    store.engine.dispose()

    recall, quiet = sum(found) / len(SEEDS), 1 - sum(false_new) / len(SEEDS)
    figures = (f"recall {recall:.0%} ({sum(found)}/{len(SEEDS)} seeds), nothing new in "
               f"{quiet:.0%} of months without a new topic; missed seeds "
               f"{[s for s, ok in zip(SEEDS, found, strict=True) if not ok]}, false-new seeds "
               f"{[s for s, bad in zip(SEEDS, false_new, strict=True) if bad]}")
    print(figures)
    assert recall >= REQUIRED and quiet >= REQUIRED, figures
