"""The /ui/ pages on both databases: a stored report listed and shown, KPI trends, and an
assessment entered through the form."""

from pathlib import Path

from fastapi.testclient import TestClient

from evaluators.value.report.job import publish_report
from metrics.store.database import Store
from metrics.store.tables import Scope
from tests.unit.collector.test_ui_session import csrf_of, sign_in
from tests.value_seed import CLOSED, MONTH, seed_month, value_config


def test_a_stored_report_is_listed_shown_and_trended(
    client: TestClient, store: Store, keys: dict[Scope, str], tmp_path: Path
) -> None:
    seed_month(store)
    with store.engine.begin() as connection:
        publish_report(connection, value_config(tmp_path), MONTH, now=CLOSED,
                       report_dir=tmp_path / "reports")
    sign_in(client, keys[Scope.read])

    listed = client.get("/ui/reports").text
    shown = client.get("/ui/reports/2026-03").text
    trends = client.get("/ui/kpis").text
    markdown = client.get("/ui/reports/2026-03/report.md")
    missing = client.get("/ui/reports/2026-02")

    assert "2026-03" in listed and "31 of 31 days with data" in listed and "final" in listed
    assert "<td>hours_saved</td><td class=\"num\">120 hours</td>" in shown
    assert 'src="data:image/svg+xml;base64,' in shown  # the stored report's charts
    assert 'id="kpi-hours_saved"' in trends and "2026-03: <b>120 hours</b>" in trends
    assert markdown.status_code == 200 and markdown.text.startswith("#")
    assert missing.status_code == 404


def test_an_assessor_enters_an_assessment_through_the_form(
    client: TestClient, keys: dict[Scope, str]
) -> None:
    sign_in(client, keys[Scope.assessor])
    page = client.get("/ui/assessments?period=2026-03").text
    entry = {"csrf": csrf_of(page), "period": "2026-03", "name": "technical_leadership",
             "score": "72", "note": "Led the retrieval design"}

    saved = client.post("/ui/assessments", data=entry)
    too_high = client.post("/ui/assessments", data={**entry, "score": "101"})
    api = client.get("/api/v1/assessments?period=2026-03",
                     headers={"Authorization": f"Bearer {keys[Scope.read]}"}).json()

    assert saved.status_code == 200 and "Saved technical_leadership" in saved.text
    assert "test-assessor" in saved.text and "Led the retrieval design" in saved.text
    assert too_high.status_code == 422 and "score" in too_high.text
    assert [(a["name"], a["score"], a["actor"]) for a in api] == [
        ("technical_leadership", 72.0, "test-assessor")]
