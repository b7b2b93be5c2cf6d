"""Fixtures of the collector tests."""

import pytest


@pytest.fixture(params=["protobuf", "json"])
def encoding(request: pytest.FixtureRequest) -> str:
    """Each OTLP/HTTP encoding in turn."""
    return request.param
