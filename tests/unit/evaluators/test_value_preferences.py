"""Preference datasets: DPO pairs and KTO rows where content is stored, as TRL's
trainers load them with `datasets`; ids and scores otherwise."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import datasets

from evaluators.quality.preferences import dpo_pairs, export_preferences, kto_rows, score_rows
from metrics.store.database import Store
from metrics.store.tables import Feedback, Inference
from tests.value_seed import call_row, feedback_row

SINCE = datetime(2026, 3, 1, tzinfo=UTC)
AT = SINCE + timedelta(hours=1)
PROMPT = "How do I get a refund?"


def content(prompt: str, completion: str) -> dict[str, Any]:
    return {"attributes": {"prompt": prompt, "completion": completion}}


def seed(store: Store) -> dict[str, dict[str, Any]]:
    """Two answers to one prompt (spaced and cased differently) thumbed apart, a third
    answer rated well, a call without content and one rated before SINCE."""
    calls = {
        "good": call_row(1, AT) | content(PROMPT, "Open Orders, pick Refund."),
        "bad": call_row(2, AT) | content("  how do I get a REFUND? ", "I cannot help."),
        "rated": call_row(3, AT) | content(PROMPT, "Write to refunds@example.com."),
        "plain": call_row(4, AT),
        "old": call_row(5, SINCE - timedelta(days=1)) | content(PROMPT, "Old answer."),
    }
    store.insert_new([
        (Inference.__table__, list(calls.values())),  # type: ignore[attr-defined]
        (Feedback.__table__, [  # type: ignore[attr-defined]
            feedback_row(0, calls["good"]["id"], AT, "thumbs", 1.0),
            feedback_row(0, calls["bad"]["id"], AT, "thumbs", 0.0),
            feedback_row(0, calls["rated"]["id"], AT, "rating", 5.0),
            feedback_row(0, calls["plain"]["id"], AT, "score", 0.25),
            feedback_row(0, calls["old"]["id"], SINCE - timedelta(days=1), "thumbs", 0.0),
        ]),
    ])
    return calls


def test_answers_to_one_prompt_with_opposite_feedback_become_dpo_pairs(store: Store) -> None:
    calls = seed(store)

    with store.engine.connect() as connection:
        pairs = list(dpo_pairs(connection, SINCE))
        kto = list(kto_rows(connection, SINCE))
        scores = list(score_rows(connection, SINCE))

    assert pairs == [
        {"prompt": PROMPT, "chosen": "Open Orders, pick Refund.", "rejected": "I cannot help."},
        {"prompt": PROMPT, "chosen": "Write to refunds@example.com.",
         "rejected": "I cannot help."},
    ]
    assert kto == [  # thumbs only: the rating is not a KTO label
        {"prompt": PROMPT, "completion": "Open Orders, pick Refund.", "label": True},
        {"prompt": "  how do I get a REFUND? ", "completion": "I cannot help.", "label": False},
    ]
    assert scores == [{"id": calls["plain"]["id"], "app": calls["plain"]["app"], "score": 0.25}]


def test_the_exports_load_with_datasets_as_trl_reads_them(store: Store, tmp_path: Path) -> None:
    seed(store)
    files = {kind: tmp_path / f"{kind}.jsonl" for kind in ("dpo", "kto", "scores")}
    with store.engine.connect() as connection:
        written = {kind: export_preferences(connection, kind, since=SINCE, out=path)
                   for kind, path in files.items()}

    loaded = {kind: datasets.load_dataset("json", data_files=str(path), split="train")
              for kind, path in files.items()}

    assert written == {"dpo": 2, "kto": 2, "scores": 1}
    assert loaded["dpo"].column_names == ["prompt", "chosen", "rejected"]
    assert loaded["dpo"][0] == {"prompt": PROMPT, "chosen": "Open Orders, pick Refund.",
                                "rejected": "I cannot help."}
    assert loaded["kto"].column_names == ["prompt", "completion", "label"]
    assert loaded["kto"].features["label"].dtype == "bool"
    assert loaded["kto"]["label"] == [True, False]
    assert loaded["scores"].column_names == ["id", "app", "score"]
    assert loaded["scores"]["score"] == [0.25]


def test_two_apps_sharing_a_call_id_each_get_their_own_score(store: Store) -> None:
    support = call_row(1, AT)
    search = support | {"app": "search", "model": "gpt-4o"}
    store.insert_new([
        (Inference.__table__, [support, search]),  # type: ignore[attr-defined]
        (Feedback.__table__, [  # type: ignore[attr-defined]
            feedback_row(0, support["id"], AT, "thumbs", 1.0) | {"app": support["app"]},
            feedback_row(1, support["id"], AT, "thumbs", 0.0) | {"app": "search"},
        ]),
    ])

    with store.engine.connect() as connection:
        scores = list(score_rows(connection, SINCE))

    assert sorted((r["app"], r["score"]) for r in scores) == [
        ("search", 0.0), (support["app"], 1.0)]
