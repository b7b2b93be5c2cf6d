"""Assessments: the names the value config declares (any well-formed name when it declares
none), entered with an assessor key, read back with who entered them."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry

from collector.app import create_app
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import Scope
from tests.value_seed import CONFIG

Auth = dict[Scope, dict[str, str]]


@pytest.fixture
def declaring_client(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    """The app with a value config declaring strategic_fit (a KPI) and technical_leadership."""
    path = tmp_path / "value.yaml"
    path.write_text(yaml.safe_dump({**CONFIG, "assessments": ["technical_leadership"]}))
    settings = Settings(database_url=str(store.engine.url), value_config=path)
    with TestClient(create_app(settings, store, CollectorRegistry())) as client:
        yield client


def test_an_assessor_enters_any_declared_name_and_nothing_else(
    declaring_client: TestClient, auth: Auth
) -> None:
    entries = [{"period": "2026-03", "name": "technical_leadership", "score": 65},
               {"period": "2026-03", "name": "strategic_fit", "score": 80}]

    stored = declaring_client.post("/api/v1/assessments", json=entries,
                                   headers=auth[Scope.assessor])
    undeclared = declaring_client.post(
        "/api/v1/assessments", json={"period": "2026-03", "name": "vibes", "score": 50},
        headers=auth[Scope.assessor])

    assert stored.status_code == 200 and stored.json() == {"accepted": 2}
    assert undeclared.status_code == 422
    assert undeclared.json()["detail"][0]["loc"] == ["body", "name"]
    assert "strategic_fit, technical_leadership" in undeclared.json()["detail"][0]["msg"]


def test_without_declared_names_any_well_formed_name_is_taken(
    client: TestClient, auth: Auth
) -> None:
    entry = {"period": "2026-03", "name": "technical_leadership", "score": 65}

    taken = client.post("/api/v1/assessments", json=entry, headers=auth[Scope.assessor])
    malformed = client.post("/api/v1/assessments", json={**entry, "name": "Tech Lead"},
                            headers=auth[Scope.assessor])
    refused = client.post("/api/v1/assessments", json=entry, headers=auth[Scope.read])

    assert taken.status_code == 200
    assert malformed.status_code == 422 and malformed.json()["detail"][0]["loc"][-1] == "name"
    assert refused.status_code == 403


def test_assessments_are_read_back_with_who_entered_them_and_when(
    client: TestClient, auth: Auth
) -> None:
    client.post("/api/v1/assessments", headers=auth[Scope.assessor], json=[
        {"period": "2026-03", "name": "strategic_fit", "score": 70, "note": "first pass"},
        {"period": "2026-03", "name": "strategic_fit", "score": 85, "note": "after review"},
        {"period": "2026-03", "name": "social_evaluation", "score": 60},
        {"period": "2026-04", "name": "strategic_fit", "score": 90},
    ])

    march = client.get("/api/v1/assessments", params={"period": "2026-03",
                                                      "name": "strategic_fit"},
                       headers=auth[Scope.read])
    everything = client.get("/api/v1/assessments", headers=auth[Scope.read])
    bad = client.get("/api/v1/assessments?period=2026-3", headers=auth[Scope.read])
    ingest = client.get("/api/v1/assessments", headers=auth[Scope.ingest])

    assert march.status_code == 200
    assert [(a["score"], a["note"], a["actor"]) for a in march.json()] == [
        (85.0, "after review", "test-assessor"), (70.0, "first pass", "test-assessor"),
    ]
    assert all(a["created_at"].startswith("20") and a["period"] == "2026-03"
               for a in march.json())
    assert len(everything.json()) == 4
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "period"]
    assert ingest.status_code == 403
