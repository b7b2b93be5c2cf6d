"""The price table: what a call cost, from its model and token counts."""

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

PER_TOKENS = 1_000_000

# What a provider appends to a model's name for a snapshot of the same model: a date
# (2024-08-06, 20241022), a short version (0613, 001, v2) or "latest".
VERSION_SUFFIX = re.compile(r"\d{4}-\d{2}-\d{2}|\d{3,8}|v\d+(\.\d+)*|latest")


@dataclass(frozen=True)
class ModelPrice:
    """US dollars per million tokens for one model. Input tokens read from the provider's
    prompt cache cost `cached_input`, those written to it `cache_write_input`; either
    costs `input` when the provider publishes no other price."""

    input: float
    output: float
    cached_input: float | None = None
    cache_write_input: float | None = None


class PriceTable:
    """Model prices, matched by exact name and then by the longest prefix."""

    def __init__(self, prices: dict[str, ModelPrice]) -> None:
        self._prices = prices
        self._by_length = sorted(prices, key=len, reverse=True)

    @classmethod
    def load(cls, path: Path | None = None) -> "PriceTable":
        """The table in `path`, or the one shipped with valuewatch."""
        if path is None:
            text = resources.files("metrics").joinpath("prices.yaml").read_text()
        else:
            text = path.read_text()
        document = yaml.safe_load(text) or {}
        models = document.get("models")
        if not isinstance(models, dict):
            raise ValueError(f"price table {path or 'prices.yaml'}: needs a `models` mapping")
        return cls({name: ModelPrice(**fields) for name, fields in models.items()})

    def price(self, model: str) -> ModelPrice | None:
        """The price of `model`: its exact name, else the longest name it extends by a
        version suffix alone; None when it is not in the table. `o3-mini-high` and
        `gpt-4o-realtime` are other models than `o3` and `gpt-4o`, and go unpriced."""
        found = self._prices.get(model)
        if found is not None:
            return found
        for name in self._by_length:
            if model.startswith(name + "-") and VERSION_SUFFIX.fullmatch(model[len(name) + 1:]):
                return self._prices[name]
        return None

    def cost(
        self, model: str, input_tokens: int, output_tokens: int, cached_input_tokens: int = 0,
        cache_write_input_tokens: int = 0,
    ) -> float | None:
        """The cost of one call in US dollars, or None for an unknown model.

        `input_tokens` counts every input token, cache reads and writes included, as the
        GenAI conventions ask; what the cache counts claim beyond it is not charged.
        """
        price = self.price(model)
        if price is None:
            return None
        cached = min(cached_input_tokens, input_tokens)
        written = min(cache_write_input_tokens, input_tokens - cached)
        cached_rate = price.input if price.cached_input is None else price.cached_input
        write_rate = price.input if price.cache_write_input is None else price.cache_write_input
        total = (
            (input_tokens - cached - written) * price.input
            + cached * cached_rate
            + written * write_rate
            + output_tokens * price.output
        )
        return total / PER_TOKENS
