"""KPIs and reports served from the store; assessments from admins; Alertmanager alerts."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from evaluators.value.report.job import publish_report
from evaluators.value.scorecard import compute_scorecard, refresh_scorecard
from metrics.store.database import Store
from metrics.store.tables import AuditEntry, Scope
from metrics.value.store import INCIDENTS
from tests.value_seed import CLOSED, MONTH, seed_month, value_config

Auth = dict[Scope, dict[str, str]]
FIRING = {
    "version": "4", "status": "firing", "receiver": "valuewatch", "groupLabels": {},
    "externalURL": "http://alertmanager:9093",
    "alerts": [{
        "status": "firing", "fingerprint": "a1b2c3",
        "labels": {"alertname": "ValuewatchHighErrorRate", "severity": "critical",
                   "app": "support"},
        "annotations": {"summary": "support: 7% of calls fail"},
        "startsAt": "2026-03-05T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus:9090/graph",
    }],
}


def test_kpis_are_served_for_a_month(
    client: TestClient, store: Store, auth: Auth, tmp_path: Path
) -> None:
    seed_month(store)
    with store.engine.begin() as connection:
        refresh_scorecard(connection, value_config(tmp_path), MONTH, now=CLOSED)

    answer = client.get("/api/v1/kpis", params={"period": "2026-03"}, headers=auth[Scope.read])

    assert answer.status_code == 200
    body = answer.json()
    kpis = {kpi["kpi"]: kpi for kpi in body["kpis"]}
    assert kpis["hours_saved"]["value"] == 120.0
    assert kpis["csat"] == {
        "kpi": "csat", "dimension": "user_experience", "unit": "ratio", "direction": "higher",
        "value": 0.8, "target": 0.8, "weight": 1.0, "score": 100.0,
        "definition": "Share of ratings that are 4 or 5.",
    }
    assert body["final"] is True and body["scores"]["overall"] > 0
    assert body["revision"] == 1 and body["revised"] is False
    assert body["coverage"]["partial"] is False and body["coverage"]["data_days"] == 31
    assert body["coverage"]["first_day"].startswith("2026-03-01")


def test_a_month_without_kpis_is_404_and_a_bad_month_422(client: TestClient, auth: Auth) -> None:
    missing = client.get("/api/v1/kpis?period=2026-02", headers=auth[Scope.read])
    bad = client.get("/api/v1/kpis?period=2026-2", headers=auth[Scope.read])
    assert missing.status_code == 404 and "no KPIs computed for 2026-02" in missing.text
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "period"]


def test_the_stored_report_is_served_in_each_format(
    client: TestClient, store: Store, auth: Auth, tmp_path: Path
) -> None:
    seed_month(store)
    with store.engine.begin() as connection:
        publish_report(connection, value_config(tmp_path), MONTH, now=CLOSED,
                       report_dir=tmp_path / "reports")
    read = auth[Scope.read]

    pdf = client.get("/api/v1/reports/2026-03?format=pdf", headers=read)
    json_report = client.get("/api/v1/reports/2026-03?format=json", headers=read)
    html = client.get("/api/v1/reports/2026-03", headers=read)
    missing = client.get("/api/v1/reports/2026-01?format=md", headers=read)

    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert json_report.json()["summary"]["value_created"] == 5300.0
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert missing.status_code == 404 and "valuewatch report --month 2026-01" in missing.text


def test_an_admin_enters_assessments_that_are_audited_and_scored(
    client: TestClient, store: Store, auth: Auth, tmp_path: Path
) -> None:
    body = [
        {"period": "2026-03", "name": "strategic_fit", "score": 70, "note": "first pass"},
        {"period": "2026-03", "name": "strategic_fit", "score": 85, "note": "after review"},
    ]

    answer = client.post("/api/v1/assessments", json=body, headers=auth[Scope.admin])

    assert answer.json() == {"accepted": 2}
    with Session(store.engine) as session:
        audit = session.exec(select(AuditEntry).where(
            AuditEntry.action == "assessment.create")).all()
    assert [(e.actor, e.target, e.details["score"]) for e in audit] == [
        ("test-admin", "2026-03/strategic_fit", 70.0), ("test-admin", "2026-03/strategic_fit", 85.0)
    ]
    with store.engine.begin() as connection:
        card = compute_scorecard(connection, value_config(tmp_path), MONTH, now=CLOSED)
    assert card.value("strategic_fit") == 85.0  # the latest entry counts


def test_assessments_need_an_assessor_key_and_valid_fields(
    client: TestClient, auth: Auth
) -> None:
    entry = {"period": "2026-03", "name": "strategic_fit", "score": 70}
    for scope in (Scope.read, Scope.ingest):
        answer = client.post("/api/v1/assessments", json=entry, headers=auth[scope])
        assert answer.status_code == 403
    too_high = client.post("/api/v1/assessments", json={**entry, "score": 101},
                           headers=auth[Scope.admin])
    unknown = client.post("/api/v1/assessments", json={**entry, "name": "Good vibes!"},
                          headers=auth[Scope.admin])
    bad_month = client.post("/api/v1/assessments", json={**entry, "period": "2026-13"},
                            headers=auth[Scope.admin])
    assert too_high.status_code == 422 and too_high.json()["detail"][0]["loc"][-1] == "score"
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"][-1] == "name"
    assert bad_month.status_code == 422 and "write it YYYY-MM" in bad_month.text


def test_alertmanager_firing_then_resolved_is_one_incident(
    client: TestClient, store: Store, auth: Auth
) -> None:
    resolved = {**FIRING, "status": "resolved", "alerts": [
        {**FIRING["alerts"][0], "status": "resolved", "endsAt": "2026-03-05T10:40:00Z"}
    ]}

    first = client.post("/api/v1/alertmanager", json=FIRING, headers=auth[Scope.ingest])
    second = client.post("/api/v1/alertmanager", json=resolved, headers=auth[Scope.ingest])

    assert first.json() == second.json() == {"stored": 1}
    with store.engine.connect() as connection:
        rows = list(connection.execute(INCIDENTS.select()))
    assert len(rows) == 1
    incident = rows[0]
    assert (incident.alertname, incident.severity, incident.status) == (
        "ValuewatchHighErrorRate", "critical", "resolved")
    assert incident.summary == "support: 7% of calls fail"
    assert (incident.ends_at - incident.starts_at).total_seconds() == 40 * 60
    refused = client.post("/api/v1/alertmanager", json=FIRING, headers=auth[Scope.read])
    assert refused.status_code == 403
