"""Emerging use cases: tags with calls this month and none in the three months before,
or whose calls at least doubled since last month."""

from collections import Counter

from evaluators.value.days import DailyRows
from evaluators.value.report.document import EmergingUseCase

GROWTH_FACTOR = 2.0
GROWTH_MIN_CALLS = 50  # fewer calls than this are not growing fast, whatever the factor


def _calls(days: DailyRows) -> Counter[str]:
    counted: Counter[str] = Counter()
    for row in days.usage:
        if row["use_case"]:
            counted[row["use_case"]] += row["calls"]
    return counted


def emerging_use_cases(
    days: DailyRows, previous: DailyRows, earlier: list[DailyRows]
) -> list[EmergingUseCase]:
    """New or fast-growing use cases, most calls first. `earlier` are the two months
    before `previous`."""
    now, before = _calls(days), _calls(previous)
    seen_before = set(before)
    for month in earlier:
        seen_before |= set(_calls(month))
    found = []
    for name, calls in now.items():
        if name not in seen_before:
            status = "new"
        elif calls >= GROWTH_MIN_CALLS and calls >= GROWTH_FACTOR * before.get(name, 0):
            status = "growing"
        else:
            continue
        found.append(EmergingUseCase(use_case=name, calls=calls,
                                     previous_calls=before.get(name, 0), status=status))
    found.sort(key=lambda item: (-item.calls, item.use_case))
    return found
