"""PII redaction and user hashing, as ingest applies them (kept in `metrics.redaction`,
which evaluators may import too)."""

from metrics.redaction import TRUNCATED, hash_user, redact, redact_within

__all__ = ["TRUNCATED", "hash_user", "redact", "redact_within"]
