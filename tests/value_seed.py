"""A month of customer-support traffic whose value figures are worked out by hand in the
tests, and the value config they are scored with."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from evaluators.staleness import record_evaluation, touch_sum
from evaluators.upkeep.rollup import RAW_SOURCES, roll_up_day
from evaluators.windows import Window
from metrics.store.database import Store
from metrics.store.tables import AccuracySample, Feedback, Inference, Outcome
from metrics.value.config import ValueConfig, load_value_config
from metrics.value.periods import Month

MONTH = Month(2026, 3)
CLOSED = datetime(2026, 4, 2, 1, tzinfo=UTC)  # a day after March closed
CALLS = 1000
ROLLED_UP_DAYS = 15  # the first half of the month is read from the rollups, the rest raw
CONFIG: dict[str, Any] = {
    "currency": "EUR",
    "currency_per_usd": 0.9,
    "costs": {"infrastructure_per_month": 300, "team_per_month": 1000,
              "licences_per_month": 200, "initial_investment": 6000},
    "baseline": {"hourly_cost": 40, "minutes_per_task": {"ticket_resolved": 12}},
    "revenue_outcomes": ["upsell"],
    "risk": {"feedback_labels": ["harmful"]},
    "kpis": [
        {"name": "roi", "target": 1.0, "weight": 2},
        {"name": "value_created", "target": 5000},
        {"name": "total_cost", "target": 2000},
        {"name": "llm_spend", "target": 400},
        {"name": "cost_per_outcome", "target": 4.0},
        {"name": "hours_saved", "target": 100},
        {"name": "payback_months", "target": 3},
        {"name": "csat", "target": 0.8},
        {"name": "thumbs_up_ratio", "target": 0.8},
        {"name": "latency_p95_seconds", "target": 2.0},
        {"name": "accuracy", "target": 0.9},
        {"name": "error_rate", "target": 0.01},
        {"name": "risk_incidents", "target": 0, "tolerance": 10},
        {"name": "active_users", "target": 50},
        {"name": "strategic_fit", "kind": "assessment", "assessment": "strategic_fit",
         "target": 80},
        {"name": "value_per_user", "formula": "value_created / active_users",
         "dimension": "adoption", "direction": "higher", "target": 100, "unit": "eur"},
    ],
}


def value_config(folder: Path) -> ValueConfig:
    """CONFIG written to `folder`/value.yaml and loaded as the CLI would."""
    path = folder / "value.yaml"
    path.write_text(yaml.safe_dump(CONFIG))
    return load_value_config(path)


def _at(month: Month, minutes: float) -> datetime:
    return month.start + timedelta(minutes=minutes)


def call_row(index: int, moment: datetime, **fields: Any) -> dict[str, Any]:
    """One inference row as the ingest path stores it."""
    return {
        "id": f"call-{moment:%Y%m}-{index}", "app": "support" if index % 2 else "sales",
        "model": "gpt-4o-mini" if index % 3 else "gpt-4o", "provider": "openai",
        "operation": "chat", "latency_s": 0.5 + (index % 10) / 10, "ttft_s": None,
        "input_tokens": 800, "output_tokens": 200, "cached_input_tokens": None,
        "reasoning_tokens": None, "cost_usd": 0.5, "status": "ok", "error_type": None,
        "finish_reason": None, "use_case": ["billing", "refunds", None][index % 3],
        "session": None, "timestamp": moment, "received_at": moment,
        "user_hash": f"user-{index % 60}", "attributes": {}, **fields,
    }


def feedback_row(index: int, inference_id: str, moment: datetime, kind: str,
                 value: float | None, label: str | None = None) -> dict[str, Any]:
    """One feedback row as stored."""
    return {"id": f"feedback-{inference_id}-{index}", "inference_id": inference_id, "app": "",
            "kind": kind, "value": value, "label": label, "comment": None,
            "timestamp": moment, "user_hash": None}


def seed_month(store: Store, month: Month = MONTH, rolled_up_days: int = ROLLED_UP_DAYS) -> None:
    """CALLS calls spread over `month` at 0.50 USD each, every 50th failed, from 60 users;
    600 tickets resolved and 5 upsells of 100 EUR; 50 ratings (30 fives, 10 fours, 8
    threes, 2 ones), 20 thumbs (15 up), 3 feedback labels `harmful`; 100 graded samples,
    90 correct. The first `rolled_up_days` days are rolled up."""
    minutes = (month.end - month.start).total_seconds() / 60 / CALLS
    calls = [call_row(i, _at(month, i * minutes), status="error" if i % 50 == 0 else "ok")
             for i in range(CALLS)]
    outcomes = [
        {"id": f"resolved-{month}-{i}", "inference_id": None, "app": "support",
         "name": "ticket_resolved", "value": 1.0, "unit": "count", "use_case": "billing",
         "timestamp": _at(month, i * 70)}
        for i in range(600)
    ] + [
        {"id": f"upsell-{month}-{i}", "inference_id": None, "app": "sales", "name": "upsell",
         "value": 100.0, "unit": "eur", "use_case": None, "timestamp": _at(month, i * 1440)}
        for i in range(5)
    ]
    ratings = [5.0] * 30 + [4.0] * 10 + [3.0] * 8 + [1.0] * 2
    thumbs = [1.0] * 15 + [0.0] * 5
    feedback = (
        [feedback_row(0, calls[i]["id"], calls[i]["timestamp"], "rating", value)
         for i, value in enumerate(ratings)]
        + [feedback_row(1, calls[100 + i]["id"], calls[100 + i]["timestamp"], "thumbs", value)
           for i, value in enumerate(thumbs)]
        + [feedback_row(2, calls[200 + i]["id"], calls[200 + i]["timestamp"], "label", None,
                        "harmful") for i in range(3)]
    )
    graded = [
        {"id": f"grade-{month}-{i}", "inference_id": calls[i]["id"], "app": calls[i]["app"],
         "model": calls[i]["model"], "task": "answer", "correct": i % 10 != 0, "score": None,
         "grader": "human", "timestamp": calls[i]["timestamp"]}
        for i in range(100)
    ]
    store.insert_new([
        (Inference.__table__, calls), (Outcome.__table__, outcomes),  # type: ignore[attr-defined]
        (Feedback.__table__, feedback), (AccuracySample.__table__, graded),  # type: ignore[attr-defined]
    ])
    with store.engine.begin() as connection:
        for day in range(rolled_up_days):
            start = month.start + timedelta(days=day)
            day_window = Window(start, start + timedelta(days=1))
            # As the rollup job does: note what the rollup saw, so retention may prune it.
            seen = touch_sum(connection, RAW_SOURCES, day_window)
            roll_up_day(connection, day_window)
            record_evaluation(connection, "rollup", day_window, seen=seen)
