"""The price table: exact names, dated names by prefix, cached tokens, unknown models."""

from pathlib import Path

import pytest

from metrics.prices import PriceTable


def test_a_dated_model_name_is_priced_as_its_family() -> None:
    table = PriceTable.load()
    # gpt-4o: $2.50 in, $10.00 out per million.
    assert table.cost("gpt-4o-2024-08-06", 1000, 500) == pytest.approx(0.0075)


def test_the_longest_matching_name_wins() -> None:
    table = PriceTable.load()
    # gpt-4o-mini, not gpt-4o: $0.15 in, $0.60 out.
    assert table.cost("gpt-4o-mini-2024-07-18", 1_000_000, 1_000_000) == pytest.approx(0.75)


def test_cached_input_tokens_are_charged_at_the_cached_rate() -> None:
    table = PriceTable.load()
    assert table.cost("gpt-4o-mini", 1_000_000, 0, 400_000) == pytest.approx(
        0.6 * 0.15 + 0.4 * 0.075
    )


def test_an_unknown_model_has_no_cost() -> None:
    assert PriceTable.load().cost("in-house-7b", 10, 10) is None


def test_an_operator_table_replaces_the_shipped_one(tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text("models:\n  in-house-7b: {input: 1.0, output: 2.0}\n")
    table = PriceTable.load(path)
    assert table.cost("in-house-7b", 1_000_000, 1_000_000) == pytest.approx(3.0)
    assert table.cost("gpt-4o", 1, 1) is None


def test_a_table_without_models_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text("as_of: today\n")
    with pytest.raises(ValueError, match="models"):
        PriceTable.load(path)
