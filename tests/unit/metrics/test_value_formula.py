"""Formulas over KPIs: arithmetic only, parsed with ast, never eval()."""

import pytest

from metrics.value.formula import Formula, FormulaError


@pytest.mark.parametrize(("text", "expected"), [
    ("value_created / total_cost", 2.5),
    ("(value_created - total_cost) / total_cost", 1.5),
    ("-hours_saved * 2 + 1", -239.0),
    ("+1.5 * (roi + 0.5)", 3.0),
])
def test_arithmetic_over_kpi_names_is_evaluated(text: str, expected: float) -> None:
    values = {"value_created": 5000.0, "total_cost": 2000.0, "hours_saved": 120.0, "roi": 1.5}
    assert Formula.parse(text).evaluate(values) == pytest.approx(expected)


@pytest.mark.parametrize(("text", "refused"), [
    ("__import__('os')", "Call"),
    ("__import__('os').system('true')", "Call"),
    ("roi.real", "Attribute"),
    ("().__class__.__bases__", "Attribute"),
    ("roi[0]", "Subscript"),
    ("roi ** 2", "BinOp"),
    ("roi // 2", "BinOp"),
    ("lambda: 1", "Lambda"),
    ("roi if roi else 1", "IfExp"),
    ("roi > 1", "Compare"),
    ("'text'", "Constant"),
    ("True + 1", "Constant"),
    ("[roi]", "List"),
])
def test_anything_but_arithmetic_is_refused_when_parsed(text: str, refused: str) -> None:
    with pytest.raises(FormulaError, match=f"{refused} is not allowed"):
        Formula.parse(text)


def test_a_formula_knows_the_kpis_it_uses() -> None:
    assert Formula.parse("(a + b) / a * 3").names == {"a", "b"}


def test_a_missing_kpi_or_a_division_by_zero_gives_no_value() -> None:
    formula = Formula.parse("value_created / active_users")
    assert formula.evaluate({"value_created": 10.0, "active_users": None}) is None
    assert formula.evaluate({"value_created": 10.0, "active_users": 0.0}) is None
    assert formula.evaluate({"value_created": 10.0}) is None


def test_syntax_errors_and_overlong_formulas_are_refused() -> None:
    with pytest.raises(FormulaError, match="is not arithmetic"):
        Formula.parse("roi +")
    with pytest.raises(FormulaError, match="longer than"):
        Formula.parse("roi + " * 200 + "roi")
