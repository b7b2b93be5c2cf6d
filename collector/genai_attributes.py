"""Every span attribute, operation and metric name valuewatch reads or follows from the
OpenTelemetry GenAI conventions, each with where it comes from.

The GenAI conventions lived in open-telemetry/semantic-conventions (model/gen-ai) up to
v1.41.0 and have since moved to open-telemetry/semantic-conventions-genai, whose renames
are cited by pull request until they are released. For each record field the first name
present on a span wins, so the newest name comes first; a rename upstream is one new line.
"""

from dataclasses import dataclass

# Sources that are not a semantic-conventions release.
GENAI_REPO = "semconv-genai #440"  # renamed cache_creation to cache_write, after v1.41.0
OPENLLMETRY = "OpenLLMetry"  # traceloop's SpanAttributes
VLLM = "vLLM"  # vllm/tracing.py, SpanAttributes
SEVERAL_SDKS = "non-standard, several SDKs"
VALUEWATCH = "valuewatch"
OTHER_SOURCES = (GENAI_REPO, OPENLLMETRY, VLLM, SEVERAL_SDKS, VALUEWATCH)


@dataclass(frozen=True)
class Attribute:
    """A span attribute name, the record field it fills, and the source that defines it."""

    name: str
    field: str
    source: str


# Message content and attributes flagged as possibly sensitive fill the `content` field:
# never stored unless the operator opts in, and then only redacted.
ATTRIBUTES = (
    Attribute("gen_ai.provider.name", "provider", "semconv 1.37.0"),
    Attribute("gen_ai.system", "provider", "semconv 1.26.0"),
    Attribute("gen_ai.operation.name", "operation", "semconv 1.27.0"),
    Attribute("gen_ai.response.model", "model", "semconv 1.26.0"),
    Attribute("gen_ai.request.model", "model", "semconv 1.26.0"),
    Attribute("gen_ai.usage.input_tokens", "input_tokens", "semconv 1.27.0"),
    Attribute("gen_ai.usage.prompt_tokens", "input_tokens", "semconv 1.26.0"),
    Attribute("gen_ai.usage.output_tokens", "output_tokens", "semconv 1.27.0"),
    Attribute("gen_ai.usage.completion_tokens", "output_tokens", "semconv 1.26.0"),
    Attribute("gen_ai.usage.cache_read.input_tokens", "cached_input_tokens", "semconv 1.40.0"),
    Attribute("gen_ai.usage.cache_read_input_tokens", "cached_input_tokens", OPENLLMETRY),
    Attribute("gen_ai.usage.cached_tokens", "cached_input_tokens", SEVERAL_SDKS),
    Attribute("gen_ai.usage.cache_write.input_tokens", "cache_write_input_tokens", GENAI_REPO),
    Attribute("gen_ai.usage.cache_creation.input_tokens", "cache_write_input_tokens",
              "semconv 1.40.0"),
    Attribute("gen_ai.usage.cache_creation_input_tokens", "cache_write_input_tokens",
              OPENLLMETRY),
    Attribute("gen_ai.usage.reasoning.output_tokens", "reasoning_tokens", "semconv 1.41.0"),
    Attribute("gen_ai.usage.reasoning_tokens", "reasoning_tokens", OPENLLMETRY),
    Attribute("gen_ai.latency.e2e", "latency_s", VLLM),
    Attribute("gen_ai.response.time_to_first_chunk", "ttft_s", "semconv 1.41.0"),
    Attribute("gen_ai.latency.time_to_first_token", "ttft_s", VLLM),
    Attribute("gen_ai.response.finish_reasons", "finish_reason", "semconv 1.26.0"),
    Attribute("error.type", "error_type", "semconv 1.22.0"),
    Attribute("valuewatch.use_case", "use_case", VALUEWATCH),
    Attribute("user.id", "user", "semconv 1.21.0"),
    Attribute("enduser.id", "user", "semconv 1.21.0"),  # older in the specification
    Attribute("session.id", "session", "semconv 1.22.0"),
    Attribute("gen_ai.conversation.id", "session", "semconv 1.34.0"),
    Attribute("gen_ai.input.messages", "content", "semconv 1.37.0"),
    Attribute("gen_ai.output.messages", "content", "semconv 1.37.0"),
    Attribute("gen_ai.system_instructions", "content", "semconv 1.37.0"),
    Attribute("gen_ai.tool.definitions", "content", "semconv 1.38.0"),
    Attribute("gen_ai.tool.call.arguments", "content", "semconv 1.38.0"),
    Attribute("gen_ai.tool.call.result", "content", "semconv 1.38.0"),
    Attribute("gen_ai.retrieval.query.text", "content", "semconv 1.40.0"),
    Attribute("gen_ai.retrieval.documents", "content", "semconv 1.40.0"),
    Attribute("gen_ai.prompt", "content", "semconv 1.26.0"),
    Attribute("gen_ai.completion", "content", "semconv 1.26.0"),
)


@dataclass(frozen=True)
class Operation:
    """A `gen_ai.operation.name` value; `priced` when the call itself is billed by tokens."""

    name: str
    source: str
    priced: bool


# Agent and workflow spans sum the usage of the model calls under them, and tool spans
# call no model: pricing them would count money twice or not at all.
OPERATIONS = (
    Operation("chat", "semconv 1.27.0", priced=True),
    Operation("text_completion", "semconv 1.27.0", priced=True),
    Operation("generate_content", "semconv 1.33.0", priced=True),
    Operation("embeddings", "semconv 1.29.0", priced=True),
    Operation("retrieval", "semconv 1.31.0", priced=False),
    Operation("create_agent", "semconv 1.31.0", priced=False),
    Operation("invoke_agent", "semconv 1.33.0", priced=False),
    Operation("execute_tool", "semconv 1.31.0", priced=False),
    Operation("invoke_workflow", "semconv 1.41.0", priced=False),
)


@dataclass(frozen=True)
class MetricName:
    """An exported histogram, the OTel metric it follows, and the rename proposed for it."""

    exported: str
    semconv: str
    source: str
    proposed: str  # "" when no rename is proposed


# semantic-conventions-genai #521 and #374 propose gen_ai.client.inference.* names; the
# exported names stay until a release adopts them.
METRICS = (
    MetricName("gen_ai_client_operation_duration_seconds", "gen_ai.client.operation.duration",
               "semconv 1.27.0", proposed="gen_ai.client.inference.duration"),
    MetricName("gen_ai_client_token_usage", "gen_ai.client.token.usage", "semconv 1.27.0",
               proposed="gen_ai.client.inference.{input,output}_tokens"),
    MetricName("gen_ai_server_time_to_first_token_seconds",
               "gen_ai.server.time_to_first_token", "semconv 1.27.0", proposed=""),
    MetricName("gen_ai_server_time_per_output_token_seconds",
               "gen_ai.server.time_per_output_token", "semconv 1.27.0", proposed=""),
)


def names(field: str) -> tuple[str, ...]:
    """The attribute names that fill `field`, newest first."""
    found = tuple(a.name for a in ATTRIBUTES if a.field == field)
    if not found:
        raise KeyError(f"no attribute fills {field!r}")
    return found


UNPRICED_OPERATIONS = frozenset(o.name for o in OPERATIONS if not o.priced)
