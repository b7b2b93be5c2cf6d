"""Seeded samples shared by the drift tests."""

import numpy as np
import pytest

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
