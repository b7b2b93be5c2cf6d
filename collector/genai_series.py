"""The instrument children for one combination of GenAI labels, looked up once and kept,
and the trace exemplar a stored call attaches to its duration and time to first token."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from metrics.instruments import Instruments

MAX_COMBINATIONS = 10_000
TRACE_ID_ATTRIBUTE = "trace_id"
# A W3C trace id: 32 lowercase hex digits, not all zero.
TRACE_ID = re.compile(r"(?!0{32})[0-9a-f]{32}")
# The id an OTLP span's record gets (collector.otlp_mapping): trace id, dash, span id.
SPAN_RECORD_ID = re.compile(r"([0-9a-f]{32})-[0-9a-f]{16}")


@dataclass(frozen=True)
class Series:
    """Every child an LLM call updates, for one app, operation, provider, model and error."""

    duration: Any
    input_tokens: Any
    output_tokens: Any
    time_to_first_token: Any
    time_per_output_token: Any
    cost: Any
    unpriced: Any


class GenAISeries:
    """Children by label combination: resolving labels costs more than observing a value."""

    def __init__(self, instruments: Instruments) -> None:
        self._instruments = instruments
        self._cache: dict[tuple[str, ...], Series] = {}

    def of(self, app: str, operation: str, provider: str, model: str, error_type: str) -> Series:
        """The children for these label values (each capped by the label limiter)."""
        key = (app, operation, provider, model, error_type)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= MAX_COMBINATIONS:
                self._cache.clear()
            found = self._cache[key] = self._resolve(*key)
        return found

    def _resolve(
        self, app: str, operation: str, provider: str, model: str, error_type: str
    ) -> Series:
        labels = self._instruments.labels
        common = {
            "app": app, "gen_ai_operation_name": operation,
            "gen_ai_provider_name": provider, "gen_ai_response_model": model,
        }
        tokens = "gen_ai_client_token_usage"
        by_model = {"app": app, "gen_ai_response_model": model}
        return Series(
            duration=labels("gen_ai_client_operation_duration_seconds", **common,
                            error_type=error_type),
            input_tokens=labels(tokens, **common, gen_ai_token_type="input"),
            output_tokens=labels(tokens, **common, gen_ai_token_type="output"),
            time_to_first_token=labels("gen_ai_server_time_to_first_token_seconds", **common),
            time_per_output_token=labels("gen_ai_server_time_per_output_token_seconds",
                                         **common),
            cost=labels("valuewatch_cost_usd_total", **by_model),
            unpriced=labels("valuewatch_unpriced_calls_total", **by_model),
        )


def trace_exemplar(row: Mapping[str, Any]) -> dict[str, str] | None:
    """The exemplar labels linking a stored call to its trace, or None when it has none.

    A record from an OTLP span carries its trace id in its id; a JSON record may name one
    in its `trace_id` attribute, which wins.
    """
    attributes = row.get("attributes") or {}
    named = attributes.get(TRACE_ID_ATTRIBUTE)
    if isinstance(named, str) and TRACE_ID.fullmatch(named.lower()):
        return {"trace_id": named.lower()}
    found = SPAN_RECORD_ID.fullmatch(str(row.get("id") or ""))
    if found and TRACE_ID.fullmatch(found.group(1)):
        return {"trace_id": found.group(1)}
    return None
