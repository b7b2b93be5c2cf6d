"""The preference dataset: chosen/rejected pairs where content is stored, ids otherwise."""

from datetime import UTC, datetime, timedelta

from evaluators.quality.preferences import preference_records
from metrics.store.database import Store
from metrics.store.tables import Feedback, Inference
from tests.value_seed import call_row, feedback_row

SINCE = datetime(2026, 3, 1, tzinfo=UTC)
PROMPT = '[{"role": "user", "content": "How do I get a refund?"}]'


def test_answers_to_one_prompt_rated_apart_become_a_pair(store: Store) -> None:
    at = SINCE + timedelta(hours=1)
    good = call_row(1, at, attributes={"gen_ai.input.messages": PROMPT,
                                       "gen_ai.output.messages": "Open Orders, pick Refund."})
    bad = call_row(2, at, attributes={"gen_ai.input.messages": PROMPT,
                                      "gen_ai.output.messages": "I cannot help with that."})
    plain = call_row(3, at)  # content not stored: ids and score only
    old = call_row(4, SINCE - timedelta(days=1))
    store.insert_new([
        (Inference.__table__, [good, bad, plain, old]),  # type: ignore[attr-defined]
        (Feedback.__table__, [  # type: ignore[attr-defined]
            feedback_row(0, good["id"], at, "rating", 5.0),
            feedback_row(1, good["id"], at, "thumbs", 1.0),
            feedback_row(0, bad["id"], at, "thumbs", 0.0),
            feedback_row(0, plain["id"], at, "score", 0.25),
            feedback_row(0, old["id"], SINCE - timedelta(days=1), "thumbs", 1.0),
        ]),
    ])

    with store.engine.connect() as connection:
        records = list(preference_records(connection, SINCE))

    assert records[0] == {
        "type": "pair", "prompt": PROMPT, "chosen": "Open Orders, pick Refund.",
        "rejected": "I cannot help with that.", "chosen_id": good["id"],
        "rejected_id": bad["id"], "chosen_score": 1.0, "rejected_score": 0.0,
        "app": good["app"], "model": good["model"],
    }
    assert [(r["type"], r["inference_id"], r["score"]) for r in records[1:]] == [
        ("rated", plain["id"], 0.25)
    ]


def test_two_apps_sharing_a_call_id_each_get_their_own_rated_call(store: Store) -> None:
    at = SINCE + timedelta(hours=1)
    support = call_row(1, at)
    search = support | {"app": "search", "model": "gpt-4o"}
    store.insert_new([
        (Inference.__table__, [support, search]),  # type: ignore[attr-defined]
        (Feedback.__table__, [  # type: ignore[attr-defined]
            feedback_row(0, support["id"], at, "thumbs", 1.0) | {"app": support["app"]},
            feedback_row(1, support["id"], at, "thumbs", 0.0) | {"app": "search"},
        ]),
    ])

    with store.engine.connect() as connection:
        records = list(preference_records(connection, SINCE))

    assert sorted((r["app"], r["model"], r["score"], r["feedback"]) for r in records) == [
        ("search", "gpt-4o", 0.0, 1), (support["app"], support["model"], 1.0, 1),
    ]
