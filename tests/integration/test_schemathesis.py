"""Property-based requests from the OpenAPI schema, against a real server: never a 500."""

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings

from collector.nul_guard import first_nul
from metrics.store.database import Store
from tests.integration.conftest import Server

EXAMPLES_PER_ROUTE = 40


def holds_nul(case: schemathesis.Case) -> bool:
    """Whether a generated request has a NUL in its path, query or body."""
    parts = (case.path_parameters, case.query, case.body)
    return any(first_nul(part) is not None for part in parts)


def test_no_generated_request_to_any_route_gets_a_server_error(
    store: Store, tmp_path: Path
) -> None:
    # PostgreSQL refuses what SQLite stores, such as NUL characters: both are run.
    url = store.engine.url.render_as_string(hide_password=False)
    server = Server(url, tmp_path / "serve.log")
    server.start()
    try:
        headers = {"Authorization": f"Bearer {server.key('admin')}"}
        schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 8  # every route, not a schema that failed to load
        statuses: list[int] = []
        with_nul = 0
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None,
                      suppress_health_check=list(HealthCheck), database=None)
            def no_server_error(case: schemathesis.Case) -> None:
                nonlocal with_nul
                with_nul += holds_nul(case)
                response = case.call(headers=headers)
                statuses.append(response.status_code)
                assert response.status_code < 500, (case.method, case.path, response.text)

            no_server_error()
        # Generated requests reached the handlers, not just the auth check.
        assert len(statuses) >= 5 * len(operations)
        assert {200, 422} <= set(statuses)
        assert with_nul > 0  # the strings PostgreSQL refuses were among them
    finally:
        server.stop()
