"""Reservoir sampling of a numeric stream."""

import tracemalloc

import numpy as np
import pytest

from evaluators.stats.reservoir import Reservoir

STREAM = 1_000_000


def _feed(reservoir: Reservoir, stop: int, chunk: int = 10_000) -> None:
    for start in range(0, stop, chunk):
        reservoir.extend(np.arange(start, min(start + chunk, stop), dtype=np.float64))


def test_a_million_values_leave_exactly_capacity_distinct_values_from_the_stream() -> None:
    reservoir = Reservoir(capacity=100_000, seed=0)
    _feed(reservoir, STREAM)
    kept = reservoir.values()
    assert reservoir.seen == STREAM
    assert kept.size == 100_000
    assert np.unique(kept).size == 100_000
    assert kept.min() >= 0 and kept.max() < STREAM


def test_the_sample_mean_of_0_to_a_million_is_within_1_percent_of_500_000() -> None:
    reservoir = Reservoir(seed=0)
    _feed(reservoir, STREAM)
    assert abs(reservoir.values().mean() - 500_000) < 5_000


@pytest.mark.parametrize(
    "chunk",
    [
        pytest.param(7, id="in chunks of 7"),
        pytest.param(100, id="in one chunk, where values of a chunk compete for slots"),
    ],
)
def test_every_position_in_the_stream_is_kept_with_probability_capacity_over_n(
    chunk: int,
) -> None:
    # 100 values into 10 slots: each value should be kept 10% of the time, the first ten
    # (which fill the reservoir) as often as the last ten.
    kept_at = np.zeros(100)
    trials = 2000
    for seed in range(trials):
        reservoir = Reservoir(capacity=10, seed=seed)
        _feed(reservoir, 100, chunk=chunk)
        kept_at[reservoir.values().astype(int)] += 1
    share = kept_at / trials
    assert share[:10].mean() == pytest.approx(0.1, abs=0.01)
    assert share[-10:].mean() == pytest.approx(0.1, abs=0.01)
    assert share.sum() == pytest.approx(10.0)


def test_fewer_values_than_capacity_are_all_kept_in_order() -> None:
    reservoir = Reservoir(capacity=10)
    reservoir.extend(np.array([3.0, 1.0]))
    reservoir.extend(np.array([4.0]))
    assert reservoir.values().tolist() == [3.0, 1.0, 4.0]
    assert reservoir.seen == 3


def test_memory_held_stays_at_capacity_however_long_the_stream() -> None:
    def held_after(n: int) -> int:
        tracemalloc.start()
        reservoir = Reservoir(capacity=50_000, seed=1)
        _feed(reservoir, n)
        held, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert reservoir.seen == n
        return held

    short, long = held_after(200_000), held_after(2_000_000)
    assert long < 50_000 * 8 * 1.5
    assert long <= short * 1.1


def test_the_same_seed_keeps_the_same_sample() -> None:
    first, second = Reservoir(capacity=100, seed=4), Reservoir(capacity=100, seed=4)
    _feed(first, 10_000, chunk=333)
    _feed(second, 10_000, chunk=333)
    assert first.values().tolist() == second.values().tolist()


def test_a_capacity_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="capacity"):
        Reservoir(capacity=0)
