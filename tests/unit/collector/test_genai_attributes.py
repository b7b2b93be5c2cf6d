"""The GenAI name table: every entry names its source, every field it fills exists on a
record, and every exported metric it lists is in the catalog."""

import re

import pytest

from collector.genai_attributes import ATTRIBUTES, METRICS, OPERATIONS, OTHER_SOURCES, names
from collector.otlp_mapping import MAPPED_KEYS
from metrics.catalog import CATALOG
from metrics.store.tables import InferenceCreate

SEMCONV_RELEASE = re.compile(r"semconv 1\.\d+\.\d+")
ENTRIES = [*ATTRIBUTES, *OPERATIONS, *METRICS]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: str(entry.__dict__.get(
    "name", getattr(entry, "exported", ""))))
def test_every_entry_names_the_semconv_release_or_other_source_it_comes_from(entry: object) -> None:
    source = entry.source  # type: ignore[attr-defined]
    assert SEMCONV_RELEASE.fullmatch(source) or source in OTHER_SOURCES


def test_every_attribute_name_is_listed_once() -> None:
    listed = [a.name for a in ATTRIBUTES]
    assert len(listed) == len(set(listed))
    assert len({o.name for o in OPERATIONS}) == len(OPERATIONS)


def test_every_field_an_attribute_fills_is_a_record_field_or_content() -> None:
    fields = set(InferenceCreate.model_fields) | {"user", "content"}
    assert {a.field for a in ATTRIBUTES} <= fields


def test_the_newest_name_of_a_renamed_attribute_is_read_first() -> None:
    assert names("cache_write_input_tokens")[:2] == (
        "gen_ai.usage.cache_write.input_tokens", "gen_ai.usage.cache_creation.input_tokens")
    assert names("ttft_s")[0] == "gen_ai.response.time_to_first_chunk"
    assert names("reasoning_tokens")[0] == "gen_ai.usage.reasoning.output_tokens"
    assert names("provider") == ("gen_ai.provider.name", "gen_ai.system")


def test_mapped_names_are_not_repeated_in_attributes_but_content_is_kept_apart() -> None:
    assert "gen_ai.usage.cache_write.input_tokens" in MAPPED_KEYS
    assert "gen_ai.input.messages" not in MAPPED_KEYS
    assert "gen_ai.response.model" not in MAPPED_KEYS  # left out per span, by the key used


def test_every_metric_listed_is_exported_by_the_collector() -> None:
    exported = {spec.name for spec in CATALOG if spec.exported_by == "collector"}
    assert {m.exported for m in METRICS} <= exported


def test_an_unknown_field_is_refused_by_name() -> None:
    with pytest.raises(KeyError, match="no_such_field"):
        names("no_such_field")
