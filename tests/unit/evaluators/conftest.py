"""Seeded samples shared by the drift tests, and stores seeded through real inserts."""

from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import count
from typing import Any

import numpy as np
import pytest
from sqlmodel import SQLModel

from evaluators.jobs import Job, build_jobs, job_named
from evaluators.windows import Window
from metrics.settings import Settings
from metrics.store.database import Store

SAMPLE_SIZE = 2000


@pytest.fixture
def reference_normal() -> np.ndarray:
    """Standard normal reference sample, n=2000."""
    return np.random.default_rng(1).normal(0.0, 1.0, SAMPLE_SIZE)


@pytest.fixture
def shifted_normal() -> np.ndarray:
    """The reference distribution moved up by half a standard deviation, n=2000."""
    return np.random.default_rng(2).normal(0.5, 1.0, SAMPLE_SIZE)


@pytest.fixture
def unshifted_normal() -> np.ndarray:
    """The reference distribution again, drawn with another seed, n=2000."""
    return np.random.default_rng(3).normal(0.0, 1.0, SAMPLE_SIZE)


Insert = Callable[[type[SQLModel], Sequence[dict[str, Any]]], None]
_ids = count()


@pytest.fixture
def insert(store: Store) -> Insert:
    """Insert rows into a table through the store's own ingest insert."""

    def insert(model: type[SQLModel], rows: Sequence[dict[str, Any]]) -> None:
        store.insert_new([(model.__table__, list(rows))])  # type: ignore[attr-defined]

    return insert


def spread(window: Window, n: int) -> list[datetime]:
    """`n` timestamps spread evenly over `window`."""
    step = window.length / n
    return [window.start + step * index for index in range(n)]


@pytest.fixture
def call_rows() -> Callable[..., list[dict[str, Any]]]:
    """Inference rows in a window, one per latency, with other fields given or defaulted."""

    def call_rows(
        window: Window, latencies: Sequence[float], **fields: Any
    ) -> list[dict[str, Any]]:
        rows = []
        for index, (moment, latency) in enumerate(
            zip(spread(window, len(latencies)), latencies, strict=True)
        ):
            row = {
                "id": f"call-{next(_ids)}", "app": "support", "model": "gpt-4o-mini",
                "provider": "openai", "operation": "chat", "latency_s": float(latency),
                "ttft_s": None, "input_tokens": 800, "output_tokens": 200,
                "cached_input_tokens": None, "reasoning_tokens": None, "cost_usd": 0.001,
                "status": "ok", "error_type": None, "finish_reason": None, "use_case": None,
                "session": None, "timestamp": moment, "received_at": moment,
                "user_hash": None, "attributes": {},
            }
            for name, value in fields.items():
                picked = value[index] if isinstance(value, list | np.ndarray) else value
                # numpy scalars would be stored as blobs by sqlite3: store Python numbers.
                row[name] = picked.item() if isinstance(picked, np.generic) else picked
            rows.append(row)
        return rows

    return call_rows


@pytest.fixture
def jobs(settings: Settings) -> Callable[..., Job]:
    """The job called `name`, built from the test settings with `changes` applied."""

    def job(name: str, **changes: Any) -> Job:
        return job_named(build_jobs(Settings(**{**settings.model_dump(), **changes})), name)

    return job
