"""A comment the API accepts is stored, even where redaction makes it longer than its
column: on PostgreSQL, whose VARCHAR(10000) refuses what SQLite would keep."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from metrics.redaction import TRUNCATED
from metrics.store.database import Store
from metrics.store.tables import Feedback, Scope

Headers = dict[Scope, dict[str, str]]
# 10,000 characters, the most a comment may have; each "a@b.io " becomes "[EMAIL] ".
COMMENT = ("a@b.io " * 1_429)[:10_000]


def comment(text: str) -> dict[str, str]:
    """One comment feedback body."""
    return {"id": "f1", "inference_id": "c1", "app": "support", "kind": "comment",
            "comment": text}


def test_a_comment_that_redaction_lengthens_is_stored_cut_to_its_column_with_a_marker(
    client: TestClient, auth: Headers, store: Store
) -> None:
    body = comment(COMMENT)
    answer = client.post("/api/v1/feedback", json=body, headers=auth[Scope.ingest])

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"accepted": 1, "duplicates": 0, "conflicts": []}
    with Session(store.engine) as session:
        stored = session.exec(select(Feedback.comment)).one()
    assert stored is not None and len(stored) == 10_000
    assert stored.startswith("[EMAIL] [EMAIL] ") and stored.endswith(TRUNCATED)
    assert "@" not in stored


def test_a_comment_that_still_fits_after_redaction_is_stored_whole(
    client: TestClient, auth: Headers, store: Store
) -> None:
    body = comment("mail me: a@b.io")
    answer = client.post("/api/v1/feedback", json=body, headers=auth[Scope.ingest])

    assert answer.status_code == 200, answer.text
    with Session(store.engine) as session:
        assert session.exec(select(Feedback.comment)).one() == "mail me: [EMAIL]"
