"""PII redaction for free text and hashing of user ids before anything is stored (the
collector redacts at ingest; the topics job redacts again before it reads a prompt)."""

import hashlib
import hmac
import re
from typing import Any

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")),
    # Card numbers before phones: a 16-digit card would otherwise match the phone rule.
    ("card", re.compile(r"\b(?:\d[ -]?){12,18}\d\b")),
    ("ipv4", re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b")),
    ("ipv6", re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")),
    ("phone", re.compile(r"(?<![\w+])\+?\(?\d{1,4}\)?(?:[ .-]?\(?\d{2,4}\)?){2,5}(?!\w)")),
)


def redact(text: str) -> str:
    """Replace emails, card numbers, IP addresses and phone numbers with `[KIND]` markers."""
    for kind, pattern in _PATTERNS:
        marker = f"[{kind.upper()}]"
        text = pattern.sub(lambda m, marker=marker: _replace(m, marker), text)
    return text


# Ends a text that redaction made longer than its column holds.
TRUNCATED = " [TRUNCATED]"


def redact_within(text: str, max_chars: int) -> str:
    """`text` redacted, then cut to `max_chars` ending in TRUNCATED if redaction made it longer.

    Markers can be longer than what they replace ("a@b.io" becomes "[EMAIL]"), so a text
    the API accepted at its limit may outgrow the column that stores it.
    """
    redacted = redact(text)
    if len(redacted) <= max_chars:
        return redacted
    return redacted[: max_chars - len(TRUNCATED)] + TRUNCATED


def redacted(value: Any) -> Any:
    """`value` with every string in it redacted, lists and mappings kept as they are."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redacted(item) for item in value]
    if isinstance(value, dict):
        return {key: redacted(item) for key, item in value.items()}
    return value


def _replace(match: re.Match[str], marker: str) -> str:
    text = match.group()
    # Dates look like short phone numbers, and clock times like IPv6: real ones have more.
    if marker == "[PHONE]" and sum(c.isdigit() for c in text) < 9:
        return text
    if marker == "[IPV6]" and "::" not in text and not any(c in "abcdefABCDEF" for c in text):
        return text
    return marker


def hash_user(user: str, salt: bytes) -> str:
    """A stable pseudonym for a user id: HMAC-SHA256 under the installation's salt."""
    return hmac.new(salt, user.encode(), hashlib.sha256).hexdigest()[:32]
