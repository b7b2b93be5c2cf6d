"""Message content sent with a JSON call, as `prompt` and `completion` attributes or GenAI
content attributes, is kept only where the operator opted in, and then redacted: the
same rule as for OTLP spans."""

from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from sqlmodel import Session, select

from collector.app import create_app
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import Inference, Scope

CALL = {
    "id": "c1", "app": "support", "model": "gpt-4o", "latency_s": 0.8,
    "attributes": {
        "team": "billing",
        "prompt": "Refund me at jane@example.com",
        "completion": "Done, Jane.",
        "gen_ai.input.messages": [{"role": "user", "content": "call +44 20 7946 0958 now"}],
        "gen_ai.prompt.name": "refund-template",
    },
}


def stored_attributes(
    settings: Settings, store: Store, keys: dict[Scope, str]
) -> dict[str, object]:
    with TestClient(create_app(settings, store, CollectorRegistry())) as client:
        answer = client.post("/api/v1/inferences", json=CALL,
                             headers={"Authorization": f"Bearer {keys[Scope.ingest]}"})
        assert answer.status_code == 200, answer.text
    with Session(store.engine) as session:
        return session.exec(select(Inference.attributes)).one()


def test_content_is_dropped_by_default_and_other_attributes_kept(
    settings: Settings, store: Store, keys: dict[Scope, str]
) -> None:
    assert stored_attributes(settings, store, keys) == {
        "team": "billing", "gen_ai.prompt.name": "refund-template",
    }


def test_content_is_kept_redacted_where_the_operator_opted_in(
    settings: Settings, store: Store, keys: dict[Scope, str]
) -> None:
    opted_in = settings.model_copy(update={"store_content": True})

    assert stored_attributes(opted_in, store, keys) == {
        "team": "billing", "gen_ai.prompt.name": "refund-template",
        "prompt": "Refund me at [EMAIL]", "completion": "Done, Jane.",
        "gen_ai.input.messages": [{"role": "user", "content": "call [PHONE] now"}],
    }


def test_the_operators_own_content_keys_are_content_too(
    settings: Settings, store: Store, keys: dict[Scope, str]
) -> None:
    own = settings.model_copy(update={"content_keys": ["team"]})

    assert stored_attributes(own, store, keys) == {"gen_ai.prompt.name": "refund-template"}


def test_other_string_attributes_are_redacted(
    settings: Settings, store: Store, keys: dict[Scope, str]
) -> None:
    CALL["attributes"]["escalated_by"] = "lead bob@example.com"
    try:
        stored = stored_attributes(settings, store, keys)
    finally:
        del CALL["attributes"]["escalated_by"]
    assert stored["escalated_by"] == "lead [EMAIL]"
