"""Distinct users as mergeable HyperLogLog sketches (Apache DataSketches' `datasketches`).

A day's sketch is stored with its rollup; a month's active users are the union of its
days' sketches, and the users two months share follow by inclusion-exclusion.
"""

from collections.abc import Iterable

from datasketches import hll_sketch, hll_union, tgt_hll_type

LG_K = 12  # 4,096 registers: about 1.6% relative standard error


def day_sketch(user_hashes: Iterable[str]) -> bytes:
    """The compact HLL sketch of `user_hashes`."""
    sketch = hll_sketch(LG_K, tgt_hll_type.HLL_4)
    for user in user_hashes:
        sketch.update(user)
    return bytes(sketch.serialize_compact())


def _union(sketches: Iterable[bytes]) -> hll_union:
    union = hll_union(LG_K)
    for stored in sketches:
        union.update(hll_sketch.deserialize(stored))
    return union


def merged_sketch(sketches: Iterable[bytes]) -> bytes:
    """One compact sketch of the users of all `sketches`."""
    return bytes(_union(sketches).get_result(tgt_hll_type.HLL_4).serialize_compact())


def distinct_estimate(sketches: Iterable[bytes]) -> float:
    """The estimated number of distinct users across `sketches`."""
    return float(_union(sketches).get_estimate())


def shared_estimate(first: Iterable[bytes], second: Iterable[bytes]) -> float:
    """The estimated number of users in both groups of sketches: |A| + |B| − |A ∪ B|,
    clamped to [0, min(|A|, |B|)]."""
    a, b = list(first), list(second)
    size_a, size_b = distinct_estimate(a), distinct_estimate(b)
    both = size_a + size_b - distinct_estimate(a + b)
    return max(0.0, min(both, size_a, size_b))
