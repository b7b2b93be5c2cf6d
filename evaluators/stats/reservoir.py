"""A bounded, uniform random sample of a numeric stream (reservoir sampling)."""

import numpy as np

DEFAULT_CAPACITY = 100_000


class Reservoir:
    """Keeps a uniform sample of at most ``capacity`` values from everything passed to ``extend``.

    Algorithm R, vectorised per chunk: the i-th value seen (0-based) replaces a random
    slot with probability capacity / (i + 1), so after n values each one is kept with
    probability capacity / n. Storage never exceeds ``capacity`` values; a chunk needs
    only temporary arrays of its own length. Seeded, so a run is repeatable.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY, seed: int = 0) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self.capacity = capacity
        self.seen = 0
        self._rng = np.random.default_rng(seed)
        self._kept = np.empty(0, dtype=np.float64)
        self._size = 0

    def extend(self, chunk: np.ndarray) -> None:
        """Offer every value of a 1-D ``chunk`` to the sample."""
        values = np.asarray(chunk, dtype=np.float64).ravel()
        filling = min(self.capacity - self._size, values.size)
        if filling > 0:
            self._grow(self._size + filling)
            self._kept[self._size : self._size + filling] = values[:filling]
            self._size += filling
        rest = values[filling:]
        if rest.size:
            self._replace(rest, first_index=self.seen + filling)
        self.seen += values.size

    def values(self) -> np.ndarray:
        """A copy of the values kept so far (all of them while fewer than capacity were seen)."""
        return self._kept[: self._size].copy()

    def _replace(self, values: np.ndarray, first_index: int) -> None:
        """Algorithm R's replacement step for values whose stream positions start at first_index."""
        positions = np.arange(first_index, first_index + values.size)
        slots = self._rng.integers(0, positions + 1)
        chosen = np.flatnonzero(slots < self.capacity)
        # When several values of one chunk pick the same slot, the latest one wins,
        # exactly as if they had been processed one at a time.
        reversed_slots = slots[chosen][::-1]
        _, first_in_reversed = np.unique(reversed_slots, return_index=True)
        winners = chosen[chosen.size - 1 - first_in_reversed]
        self._kept[slots[winners]] = values[winners]

    def _grow(self, needed: int) -> None:
        """Enlarge storage geometrically up to capacity, so small streams stay small."""
        if needed <= self._kept.size:
            return
        size = min(self.capacity, max(needed, 2 * self._kept.size))
        grown = np.empty(size, dtype=np.float64)
        grown[: self._size] = self._kept[: self._size]
        self._kept = grown
