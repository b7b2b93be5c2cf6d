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


@pytest.mark.parametrize("model", ["o3-mini-high", "gpt-4o-realtime", "gpt-4o-audio-preview",
                                   "gpt-4.1-mini-fast", "o3x"])
def test_another_model_that_shares_a_known_names_start_is_not_priced_as_it(model: str) -> None:
    assert PriceTable.load().price(model) is None


@pytest.mark.parametrize(("model", "family"), [
    ("claude-3-5-sonnet-20241022", "claude-3-5-sonnet"), ("gpt-4o-latest", "gpt-4o"),
    ("o3-2025-04-16", "o3"), ("gpt-4.1-mini-v2", "gpt-4.1-mini"),
])
def test_a_snapshot_suffix_keeps_its_familys_price(model: str, family: str) -> None:
    table = PriceTable.load()
    assert table.price(model) == table.price(family) is not None


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


def test_cache_writes_are_charged_at_the_cache_write_rate_and_reads_at_the_read_rate() -> None:
    table = PriceTable.load()
    # claude-sonnet-4: $3.00 input, $0.30 cache read, $3.75 cache write, $15.00 output.
    cost = table.cost("claude-sonnet-4-20250514", 1_000_000, 100_000, 500_000, 200_000)
    assert cost == pytest.approx(0.3 * 3.00 + 0.5 * 0.30 + 0.2 * 3.75 + 0.1 * 15.00)


def test_cache_writes_without_a_published_price_are_charged_as_input() -> None:
    table = PriceTable.load()
    assert table.price("gpt-4o") is not None
    assert table.cost("gpt-4o", 1_000_000, 0, 0, 400_000) == pytest.approx(2.50)


def test_cache_counts_beyond_the_input_total_are_not_charged() -> None:
    table = PriceTable.load()
    # 100 input tokens, of which "300" read and "300" written: only 100 are charged.
    assert table.cost("claude-sonnet-4", 100, 0, 300, 300) == pytest.approx(100 * 0.30 / 1e6)
