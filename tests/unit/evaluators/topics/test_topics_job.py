"""The topics job on a month of calls: a new untagged topic in the last week is named by
the report with its terms and share, and no prompt text is left in any table."""

from datetime import timedelta
from typing import Any

import numpy as np
from planted import NEW_TOPIC, TOPICS, planted_prompt
from pytest import approx
from sqlalchemy import String, cast, select
from sqlmodel import SQLModel

from evaluators.topics.job import evaluate_topics
from evaluators.value.report.themes import emerging_themes
from evaluators.windows import Window
from metrics.store.database import Store
from metrics.store.tables import Inference
from metrics.value.periods import Month

MARCH = Month.parse("2026-03")
DAY = timedelta(days=1)
NEW_FROM_DAY = 24  # the new topic's first day: the month's last week
NEW_SHARE = 0.2
LATENESS = timedelta(minutes=2)


def month_of_calls(seed: int, *, new_topic: bool, calls_a_day: int = 80) -> list[dict[str, Any]]:
    """Calls of March 2026 on the known topics, tagged with their use case, and from
    day 24 on, when `new_topic`, a fifth of them on an untagged new topic."""
    rng = np.random.default_rng(seed)
    rows = []
    for day in range(31):
        start = MARCH.start + day * DAY
        for n in range(calls_a_day):
            new = new_topic and day + 1 >= NEW_FROM_DAY and rng.random() < NEW_SHARE
            tag = None if new else str(rng.choice(list(TOPICS)))
            prompt = planted_prompt(rng, NEW_TOPIC if new else TOPICS[tag])
            rows.append({
                "id": f"{day}-{n}", "app": "support", "model": "gpt-4o",
                "latency_s": 2.0 if new else 1.0, "cost_usd": 0.01,
                "timestamp": start + DAY * (n + 0.5) / calls_a_day,
                "received_at": start + DAY * (n + 0.5) / calls_a_day,
                "user_hash": f"user-{rng.integers(40)}", "use_case": tag,
                "attributes": {"prompt": f"{prompt} (call {day}-{n})",
                               "completion": f"Answer to {day}-{n}", "tier": "gold"},
            })
    return rows


def run_month(store: Store, rows: list[dict[str, Any]]) -> None:
    with store.engine.begin() as connection:
        connection.execute(Inference.__table__.insert(), rows)  # type: ignore[attr-defined]
    for day in range(31):
        window = Window(MARCH.start + day * DAY, MARCH.start + (day + 1) * DAY)
        with store.engine.begin() as connection:
            evaluate_topics(connection, window, min_users=5, max_themes=8,
                            content_hours=24, clock=lambda end=window.end: end + LATENESS)


def test_a_new_untagged_topic_in_the_last_week_is_named_with_its_terms_and_share(
    store: Store,
) -> None:
    rows = month_of_calls(3, new_topic=True)
    run_month(store, rows)

    with store.engine.connect() as connection:
        found = emerging_themes(connection, MARCH, MARCH.end)
    assert len(found) == 1
    theme = found[0]
    assert len(set(theme.terms) & set(NEW_TOPIC)) >= 3
    assert theme.status == "new" and theme.covered_by is None
    assert theme.first_seen == MARCH.start + (NEW_FROM_DAY - 1) * DAY
    assert theme.share == approx(NEW_SHARE, abs=0.05)
    assert theme.users >= 5
    assert theme.latency_s == approx(2.0) and theme.average_latency_s < 2.0
    assert theme.cost_per_call == approx(0.01)


def test_no_prompt_text_is_left_in_any_table_after_the_job(store: Store) -> None:
    rows = month_of_calls(4, new_topic=True, calls_a_day=40)
    run_month(store, rows)

    planted = [row["attributes"]["prompt"] for row in rows]
    planted += [row["attributes"]["completion"] for row in rows]
    with store.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                values = connection.execute(select(cast(column, String))).scalars()
                text = "\n".join(v for v in values if v)
                leaked = [p for p in planted if p in text]
                assert not leaked, f"{table.name}.{column.name} keeps {leaked[:2]}"
        kept = connection.execute(select(Inference.attributes)).scalars().all()
    assert kept and all(attributes == {"tier": "gold"} for attributes in kept)


def test_a_month_without_a_new_topic_names_nothing_new(store: Store) -> None:
    run_month(store, month_of_calls(5, new_topic=False))

    with store.engine.connect() as connection:
        found = emerging_themes(connection, MARCH, MARCH.end)
    assert [theme for theme in found if theme.status == "new"] == []
