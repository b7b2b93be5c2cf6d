"""Mix and rate effects: how much of a rate's change came from shares moving between groups
(traffic moving to a dearer model) and how much from rates moving within them (a model
getting dearer).

With shares w and rates r per group, last month (0) and this month (1), the rate is
R = Σ w·r and its change splits exactly into
    mix  = Σ (w1 − w0)·(r0 − R0)   shares moving towards groups above or below the mean
    rate = Σ w1·(r1 − r0)          rates moving within groups, at this month's shares
A group new this month has no r0: its r0 is taken as its r1, so it adds no rate effect and
its mix effect is its share times its distance from last month's mean; a group gone has
no rate effect. The two effects add up to the change whatever r0 a new group is given.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from evaluators.value.report.document import Decomposition, Effect

# group -> (weight, amount): a group's rate is amount ÷ weight (cost ÷ calls, correct ÷ graded)
Totals = dict[str, tuple[float, float]]


def grouped(rows: Iterable[dict[str, Any]], group: Callable[[dict[str, Any]], str],
            weight: str, amount: Callable[[dict[str, Any]], float]) -> Totals:
    """(Σ weight, Σ amount) per group of `rows`."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in rows:
        summed = totals[group(row)]
        summed[0] += float(row[weight])
        summed[1] += amount(row)
    return {name: (w, a) for name, (w, a) in totals.items() if w}


def _rate(totals: Totals) -> float | None:
    weight = sum(w for w, _ in totals.values())
    return sum(a for _, a in totals.values()) / weight if weight else None


def decompose(measure: str, unit: str, previous: Totals, current: Totals) -> Decomposition | None:
    """The change of Σ amount ÷ Σ weight from `previous` to `current`, as mix and rate
    effects per group; None when either month has no weight."""
    before, now = _rate(previous), _rate(current)
    if before is None or now is None:
        return None
    weight_before = sum(w for w, _ in previous.values())
    weight_now = sum(w for w, _ in current.values())
    effects = []
    for name in sorted(previous.keys() | current.keys()):
        w0 = previous.get(name, (0.0, 0.0))[0] / weight_before
        w1 = current.get(name, (0.0, 0.0))[0] / weight_now
        r0 = previous[name][1] / previous[name][0] if name in previous else None
        r1 = current[name][1] / current[name][0] if name in current else None
        base = (r1 if r1 is not None else before) if r0 is None else r0
        effects.append(Effect(
            group=name, previous_share=w0, share=w1, previous_rate=r0, rate=r1,
            mix=(w1 - w0) * (base - before),
            rate_effect=0.0 if r1 is None else w1 * (r1 - base),
        ))
    effects.sort(key=lambda e: (-abs(e.mix + e.rate_effect), e.group))
    return Decomposition(
        measure=measure, unit=unit, previous=before, current=now,
        mix=sum(e.mix for e in effects), rate=sum(e.rate_effect for e in effects),
        groups=effects,
    )
