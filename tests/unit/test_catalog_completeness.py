"""Every catalog metric is exported by somebody, and nobody exports a metric the catalog lacks:
the collector after an ingest, the evaluators after an evaluation."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from evaluators.exporter import EvaluationCollector
from evaluators.jobs import build_jobs
from evaluators.runner import run_job
from metrics.catalog import CATALOG
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import AccuracySample, Feedback, Inference, Scope
from tests.value_seed import call_row, feedback_row

EVALUATED_HOUR = datetime(2026, 3, 2, 10, tzinfo=UTC)


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


PROMPTS = ("Where is my parcel? The courier tracking shows no delivery",
           "Please reset my password, the login says my account is locked")


def attributes(index: int) -> dict[str, str]:
    """A language, and a prompt on one of two topics (each app's calls get both)."""
    return {"language": ("en", "de")[index // 2 % 2], "prompt": PROMPTS[index // 4 % 2]}


def seed_two_hours(store: Store) -> None:
    """Calls in two hours with a latency shift and prompts from 60 users; feedback of every
    kind and grades mostly wrong in the second hour."""
    hour = timedelta(hours=1)
    calls = [call_row(i, EVALUATED_HOUR - hour + i * timedelta(minutes=1), latency_s=1.0 + i % 3,
                      attributes=attributes(i)) for i in range(60)]
    calls += [call_row(100 + i, EVALUATED_HOUR + i * timedelta(seconds=55),
                       latency_s=4.0 + i % 3, attributes=attributes(i)) for i in range(64)]
    current = calls[60:]
    kinds = [("thumbs", 1.0), ("rating", 5.0), ("score", 0.7)]
    feedback = [feedback_row(i, call["id"], call["timestamp"], *kinds[i % 3])
                for i, call in enumerate(current)]
    graded = [{"id": f"grade-{i}", "inference_id": call["id"], "app": call["app"],
               "model": call["model"], "task": "qa", "correct": i % 5 == 0, "score": 0.3,
               "grader": "judge", "timestamp": call["timestamp"]} for i, call in enumerate(current)]
    # Humans grade 20 of each app's gpt-4o-mini calls the judge graded, leaving the judge
    # a few alone, so that the judge's share is corrected by the humans'.
    graded += [{**grade, "id": f"human-{i}", "grader": "human", "correct": i % 4 > 0}
               for i, (grade, call) in enumerate(zip(graded, current, strict=True))
               if call["model"] == "gpt-4o-mini" and i < 60]
    store.insert_new([(Inference.__table__, calls), (Feedback.__table__, feedback),  # type: ignore[attr-defined]
                      (AccuracySample.__table__, graded)])  # type: ignore[attr-defined]


def test_the_evaluators_export_exactly_their_catalog_metrics_after_an_evaluation(
    store: Store, settings: Settings
) -> None:
    seed_two_hours(store)
    segmented = Settings(**{**settings.model_dump(), "segments": "language",
                            "fairness_min_samples": 2, "topics_enabled": True})
    for job in build_jobs(segmented):
        if job.name in ("drift", "accuracy", "feedback", "kpis", "fairness"):
            run_job(store, job, EVALUATED_HOUR + timedelta(hours=1, minutes=5))
    # The topics job judges whole days: the seeded day, once it is over.
    topics = next(job for job in build_jobs(segmented) if job.name == "topics")
    run_job(store, topics, EVALUATED_HOUR + timedelta(days=1))
    registry = CollectorRegistry()
    results = EvaluationCollector(store)
    results.refresh()
    registry.register(results)

    with_samples = {
        family.name for family in text_string_to_metric_families(
            generate_latest(registry).decode()) if family.samples
    }

    declared = {spec.name for spec in CATALOG if spec.exported_by == "evaluator"}
    assert with_samples == declared
