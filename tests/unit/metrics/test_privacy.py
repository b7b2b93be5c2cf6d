"""Every stored column is classified once, and docs/privacy.md is what the classification says."""

from sqlmodel import SQLModel

import metrics.store.freshness  # noqa: F401  (registers its tables, as migrations/env.py does)
import metrics.store.rollups  # noqa: F401
import metrics.store.sessions  # noqa: F401
import metrics.store.tables  # noqa: F401
import metrics.store.topics  # noqa: F401
import metrics.value.tables  # noqa: F401
from metrics.privacy import DataClass, classifications, privacy_docs
from metrics.store.partitions import KEY_METADATA
from tests.golden.compare import ROOT, assert_matches_golden


def stored_columns() -> set[str]:
    """table.column for every column of every table the migrations create (the key
    tables on PostgreSQL only)."""
    tables = [*SQLModel.metadata.tables.values(), *KEY_METADATA.tables.values()]
    return {f"{table.name}.{column.name}" for table in tables for column in table.columns}


def test_every_stored_column_is_classified() -> None:
    declared = {f"{c.table}.{c.column}" for c in classifications()}
    assert sorted(stored_columns() - declared) == []


def test_every_classified_column_is_stored() -> None:
    declared = {f"{c.table}.{c.column}" for c in classifications()}
    assert sorted(declared - stored_columns()) == []


def test_user_hashes_are_pseudonymous_and_key_hashes_secret() -> None:
    kinds = {f"{c.table}.{c.column}": c.kind for c in classifications()}
    assert kinds["inference.user_hash"] is DataClass.pseudonymous
    assert kinds["feedback.user_hash"] is DataClass.pseudonymous
    assert kinds["inference.attributes"] is DataClass.content
    assert kinds["feedback.comment"] is DataClass.free_text
    assert kinds["api_key.key_hash"] is DataClass.secret
    assert kinds["ui_session.token_hash"] is DataClass.secret
    assert kinds["installation_secret.value"] is DataClass.secret
    assert kinds["daily_users.sketch"] is DataClass.aggregate


def test_the_privacy_document_is_generated_from_the_classification() -> None:
    assert_matches_golden(privacy_docs(), ROOT / "docs" / "privacy.md")
