"""Every catalog metric is exported by somebody, and nobody exports a metric the catalog lacks."""

from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from metrics.catalog import CATALOG
from metrics.tables import Scope


def exposed_names(exposition: str) -> set[str]:
    names = set()
    for family in text_string_to_metric_families(exposition):
        names.add(f"{family.name}_total" if family.type == "counter" else family.name)
    return names


def test_the_collector_exports_exactly_its_catalog_metrics(
    client: TestClient, auth: dict[Scope, dict[str, str]]
) -> None:
    client.post("/api/v1/inferences", headers=auth[Scope.ingest],
                json={"id": "x", "app": "a", "model": "gpt-4o", "latency_s": 1.0})
    exposed = exposed_names(client.get("/metrics").text)
    declared = {spec.name for spec in CATALOG if spec.exported_by == "collector"}
    assert exposed == declared


def test_a_fresh_registry_starts_empty() -> None:
    # Instruments come only from the registry passed to create_app, never a global one.
    assert list(CollectorRegistry().collect()) == []
