"""KPI scores against target and direction, dimension scores and the overall score."""

import pytest

from metrics.value.periods import Month
from metrics.value.score import dimension_scores, kpi_score, weighted_mean


@pytest.mark.parametrize(("value", "target", "direction", "tolerance", "expected"), [
    (0.9, 0.8, "higher", None, 100.0),  # beyond target
    (0.6, 0.8, "higher", None, 75.0),  # 25% short of the target
    (0.0, 0.8, "higher", None, 0.0),
    (0.015, 0.01, "lower", None, 50.0),  # 50% over the target
    (0.03, 0.01, "lower", None, 0.0),  # clamped at 0
    (3.0, 0.0, "lower", 10.0, 70.0),  # a target of 0 with a tolerance
    (-0.5, 0.0, "higher", None, 50.0),  # a target of 0: the tolerance defaults to 1
    (-2.0, 1.0, "higher", None, 0.0),
])
def test_a_kpi_scores_by_the_stated_formula(
    value: float, target: float, direction: str, tolerance: float | None, expected: float
) -> None:
    assert kpi_score(value, target, direction, tolerance) == pytest.approx(expected)  # type: ignore[arg-type]


def test_a_kpi_without_a_value_has_no_score() -> None:
    assert kpi_score(None, 1.0, "higher") is None


def test_weighted_means_skip_missing_scores_and_zero_weights() -> None:
    assert weighted_mean([(100.0, 3.0), (0.0, 1.0), (None, 5.0), (50.0, 0.0)]) == 75.0
    assert weighted_mean([(None, 1.0)]) is None


def test_dimension_and_overall_scores_follow_the_weights() -> None:
    kpis = [("financial", 100.0, 2.0), ("financial", 40.0, 1.0), ("quality", 50.0, 1.0),
            ("risk", None, 1.0)]
    scores = dimension_scores(kpis, {"financial": 3.0, "quality": 1.0, "risk": 1.0})
    assert scores["financial"] == pytest.approx(80.0)  # (100 × 2 + 40) ÷ 3
    assert scores["risk"] is None
    assert scores["overall"] == pytest.approx(72.5)  # (80 × 3 + 50) ÷ 4; risk unscored


def test_months_parse_shift_and_bound_in_utc() -> None:
    month = Month.parse("2026-01")
    assert str(month.shifted(-1)) == "2025-12" and str(month.shifted(13)) == "2027-02"
    assert month.end == Month(2026, 2).start
    with pytest.raises(ValueError, match="write it YYYY-MM"):
        Month.parse("2026-13")
