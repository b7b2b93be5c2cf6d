"""The content keys the topics clean-up blanks are every content attribute the collector
knows, so no attribute carrying message content outlives the topics job."""

from collector.genai_attributes import names
from metrics.content import CONTENT_KEYS, is_content

# Sent by apps as plain call attributes on the JSON API, not OTLP span attributes.
APP_CONTENT_KEYS = {"prompt", "completion"}


def test_the_content_keys_are_the_content_attributes_of_the_attribute_table() -> None:
    assert set(names("content")) | APP_CONTENT_KEYS == CONTENT_KEYS


def test_every_content_attribute_counts_as_content() -> None:
    assert all(is_content(name) for name in names("content"))
