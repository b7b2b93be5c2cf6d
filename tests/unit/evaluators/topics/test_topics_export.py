"""The topic share gauge: each app's newest day of themes, labels bounded."""

from datetime import UTC, datetime, timedelta
from typing import Any

from prometheus_client import CollectorRegistry

from evaluators.exporter import EvaluationCollector
from evaluators.topics.export import TOPIC_LABEL_MAX
from metrics.store.database import Store
from metrics.store.topics import ALL_CALLS, TopicTheme

DAY = timedelta(days=1)
MONDAY = datetime(2026, 3, 2, tzinfo=UTC)


def theme(app: str, start: datetime, theme_id: str, label: str, status: str,
          share: float) -> dict[str, Any]:
    """One topic_theme row."""
    return {"app": app, "window_start": start, "window_end": start + DAY,
            "theme_id": theme_id, "label": label, "terms": label.split(), "status": status,
            "first_seen": start, "calls": int(share * 100), "share": share, "users": 9,
            "use_case_share": 0.0}


def exported(store: Store, rows: list[dict[str, Any]], label_limit: int = 100
             ) -> dict[tuple[str, str, str], float]:
    with store.engine.begin() as connection:
        connection.execute(TopicTheme.__table__.insert(), rows)  # type: ignore[attr-defined]
    collector = EvaluationCollector(store, label_limit=label_limit)
    collector.refresh()
    registry = CollectorRegistry()
    registry.register(collector)
    return {(s.labels["app"], s.labels["topic"], s.labels["status"]): s.value
            for family in registry.collect() if family.name == "valuewatch_topic_share"
            for s in family.samples}


def test_only_each_apps_newest_day_is_exported_without_the_all_calls_row(store: Store) -> None:
    rows = [theme("support", MONDAY, "a", "refund order money", "steady", 0.5),
            theme("support", MONDAY + DAY, ALL_CALLS, "all calls", "all", 1.0),
            theme("support", MONDAY + DAY, "a", "refund order money", "fading", 0.2),
            theme("support", MONDAY + DAY, "b", "mortgage loan rate", "new", 0.3),
            theme("sales", MONDAY, "c", "invoice card charge", "growing", 0.4)]

    assert exported(store, rows) == {
        ("support", "refund order money", "fading"): 0.2,
        ("support", "mortgage loan rate", "new"): 0.3,
        ("sales", "invoice card charge", "growing"): 0.4,
    }


def test_topic_labels_are_cut_short_and_capped_in_number(store: Store) -> None:
    long_label = " ".join(["interest"] * 20)
    rows = [theme("support", MONDAY, word, f"{word} {long_label}", "new", 0.1)
            for word in ("loan", "lender", "rate")]
    rows += [theme("support", MONDAY, "short", "repayment", "new", 0.05)]

    found = exported(store, rows, label_limit=2)

    assert [topic.split()[0] for _, topic, _ in found] == ["lender", "loan"]
    assert all(len(topic) == TOPIC_LABEL_MAX for _, topic, _ in found)
