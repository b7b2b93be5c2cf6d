"""Hostile and broken bodies get a 4xx that says what is wrong, never a 500."""

import pytest
from fastapi.testclient import TestClient

from metrics.store.tables import Scope

RECORD = b'"id": "x", "app": "a", "model": "m", "latency_s": 1'
CASES = [
    pytest.param(b"[" * 100_000 + b"]" * 100_000, 400, id="100,000 nested arrays"),
    pytest.param(b"{" + RECORD + b', "attributes": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5000
                 + b"}", 400, id="attributes nested 5,000 deep"),
    pytest.param(b"{" + RECORD + b', "attributes": {"a": {"b": {"c": {"d": {"e": 1}}}}}}', 422,
                 id="attributes nested past the depth limit"),
    pytest.param(b'{"id": "\xff\xfe", "app": "a", "model": "m", "latency_s": 1}', 400,
                 id="bytes that are not UTF-8"),
    pytest.param(b'{"id": "x", "app": "a", "model": "m", "latency_s": NaN}', 422, id="NaN"),
    pytest.param(b'{"id": "x", "app": "a", "model": "m", "latency_s": Infinity}', 422,
                 id="Infinity"),
    pytest.param(b"{" + RECORD + b', "attributes": {"t": -Infinity}}', 422,
                 id="Infinity in attributes"),
    pytest.param(b"{" + RECORD + b', "input_tokens": ' + b"9" * 5000 + b"}", 400,
                 id="a 5,000-digit integer"),
    pytest.param(b"{" + RECORD + b', "attributes": {'
                 + b",".join(b'"k%d": 1' % i for i in range(100_000)) + b"}}", 422,
                 id="100,000 attributes"),
    pytest.param(b"{" + RECORD + b', "timestamp": "0001-01-01T00:00:00Z"}', 422,
                 id="a timestamp in year 1"),
    pytest.param(b"{" + RECORD + b', "timestamp": "9999-12-31T23:59:59+14:00"}', 422,
                 id="a timestamp in year 9999"),
    pytest.param(b"{" + RECORD + b', "timestamp": 1e30}', 422, id="an epoch past year 9999"),
    pytest.param(b"{" + RECORD + b', "timestamp": "yesterday"}', 422, id="a timestamp in words"),
    pytest.param(b"", 422, id="an empty body"),
    pytest.param(b"null", 422, id="null"),
    pytest.param(b'"a string"', 422, id="a JSON string"),
]


@pytest.mark.parametrize(("body", "status"), CASES)
def test_a_broken_body_gets_a_clear_4xx(
    client: TestClient, auth: dict[Scope, dict[str, str]], body: bytes, status: int
) -> None:
    headers = auth[Scope.ingest] | {"content-type": "application/json"}
    answer = client.post("/api/v1/inferences", content=body, headers=headers)
    assert answer.status_code == status
    assert answer.json()["detail"]
    assert client.get("/api/v1/inferences", headers=auth[Scope.read]).json()["items"] == []


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_json_route_refuses_other_content_types_with_415(
    client: TestClient, auth: dict[Scope, dict[str, str]], content_type: str
) -> None:
    headers = auth[Scope.ingest] | {"content-type": content_type}
    answer = client.post("/api/v1/inferences", content=b"{" + RECORD + b"}", headers=headers)
    assert answer.status_code == 415
    assert "application/json" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        pytest.param("since=notadate", "since", id="a since that is no date"),
        pytest.param("limit=0", "limit", id="a limit of zero"),
        pytest.param("limit=100000", "limit", id="a limit past 1,000"),
    ],
)
def test_bad_read_parameters_name_the_parameter(
    client: TestClient, auth: dict[Scope, dict[str, str]], query: str, field: str
) -> None:
    answer = client.get(f"/api/v1/inferences?{query}", headers=auth[Scope.read])
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", field]


def test_a_cursor_this_api_never_returned_is_refused(
    client: TestClient, auth: dict[Scope, dict[str, str]]
) -> None:
    answer = client.get("/api/v1/inferences?cursor=%25%25%25", headers=auth[Scope.read])
    assert answer.status_code == 422
