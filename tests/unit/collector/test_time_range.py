"""A time no UTC date can hold (year 1 ahead of UTC, year 9999 behind it), or a cursor no
id can be, is a 422 naming the field, in a query, a record or an Alertmanager
notification: never a 500."""

import pytest
from fastapi.testclient import TestClient

from metrics.store.tables import Scope

Headers = dict[Scope, dict[str, str]]
EARLY, LATE = "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"


@pytest.mark.parametrize("path", ["/api/v1/inferences", "/api/v1/accuracy",
                                  "/api/v1/feedback", "/api/v1/evaluations", "/api/v1/audit"])
@pytest.mark.parametrize("moment", [EARLY, LATE])
def test_a_query_time_out_of_range_is_a_422_naming_it(
    client: TestClient, auth: Headers, path: str, moment: str
) -> None:
    answer = client.get(path, params={"since": moment}, headers=auth[Scope.admin])

    assert answer.status_code == 422, answer.text
    [error] = answer.json()["detail"]
    assert error["loc"] == ["query", "since"] and "out of range" in error["msg"]


def test_a_record_timed_out_of_range_is_a_422_naming_its_timestamp(
    client: TestClient, auth: Headers
) -> None:
    call = {"id": "c1", "app": "a", "model": "m", "latency_s": 1.0, "timestamp": EARLY}
    answer = client.post("/api/v1/inferences", json=call, headers=auth[Scope.ingest])

    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", "timestamp"]


def test_an_alert_out_of_range_is_a_422_naming_it(client: TestClient, auth: Headers) -> None:
    alert = {"status": "firing", "labels": {"alertname": "X", "app": "a"},
             "annotations": {}, "startsAt": EARLY, "fingerprint": "f"}
    notification = {"version": "4", "status": "firing", "receiver": "r", "groupKey": "g",
                    "alerts": [alert]}
    answer = client.post("/api/v1/alertmanager", json=notification, headers=auth[Scope.ingest])

    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", "alerts", 0, "startsAt"]


def test_an_audit_cursor_past_any_stored_id_is_a_422_not_a_database_error(
    client: TestClient, auth: Headers
) -> None:
    answer = client.get("/api/v1/audit", params={"cursor": "9999999999"},
                        headers=auth[Scope.admin])

    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["query", "cursor"]
