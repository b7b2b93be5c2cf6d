"""Content can be kept shorter than the records it came with: retention blanks it."""

from datetime import timedelta

from sqlmodel import Session, select

from evaluators.upkeep.retention import delete_rolled_up
from evaluators.windows import Window, floor_time
from metrics.store.database import Store
from metrics.store.tables import Inference
from metrics.types import utc_now
from tests.value_seed import call_row

ATTRIBUTES = {"prompt": "refund please", "ticket_body": "long text", "team": "billing"}


def test_content_older_than_its_retention_is_blanked_and_the_call_kept(store: Store) -> None:
    now = utc_now()
    old = call_row(1, now - timedelta(days=2)) | {"received_at": now - timedelta(days=2),
                                                  "attributes": ATTRIBUTES}
    new = call_row(2, now - timedelta(hours=1)) | {"received_at": now - timedelta(hours=1),
                                                   "attributes": ATTRIBUTES}
    store.insert_new([(Inference.__table__, [old, new])])  # type: ignore[attr-defined]
    today = floor_time(now, timedelta(days=1))

    with store.engine.begin() as connection:
        delete_rolled_up(connection, Window(today - timedelta(days=1), today),
                         retention_days=90, forget_after_days=40, content_hours=24,
                         content_keys=("ticket_body",))

    with Session(store.engine) as session:
        kept = dict(session.exec(select(Inference.id, Inference.attributes)).all())
    assert kept == {old["id"]: {"team": "billing"}, new["id"]: ATTRIBUTES}


def test_without_a_content_retention_content_stays_with_its_call(store: Store) -> None:
    now = utc_now()
    old = call_row(1, now - timedelta(days=2)) | {"received_at": now - timedelta(days=2),
                                                  "attributes": ATTRIBUTES}
    store.insert_new([(Inference.__table__, [old])])  # type: ignore[attr-defined]
    today = floor_time(now, timedelta(days=1))

    with store.engine.begin() as connection:
        delete_rolled_up(connection, Window(today - timedelta(days=1), today),
                         retention_days=90, forget_after_days=40)

    with Session(store.engine) as session:
        assert session.exec(select(Inference.attributes)).one() == ATTRIBUTES
