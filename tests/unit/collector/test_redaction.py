"""PII is redacted from free text; dates, times and versions are left alone."""

import pytest

from metrics.redaction import hash_user, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("mail jo.doe@example.com", "mail [EMAIL]", id="an email address"),
        pytest.param("card 4111 1111 1111 1111 ok", "card [CARD] ok", id="a card number"),
        pytest.param("call +44 20 7946 0958 now", "call [PHONE] now", id="an international phone"),
        pytest.param("phone 555-123-4567", "phone [PHONE]", id="a US phone number"),
        pytest.param("from 192.168.1.20", "from [IPV4]", id="an IPv4 address"),
        pytest.param("from 2001:db8::8a2e:370:7334", "from [IPV6]", id="an IPv6 address"),
        pytest.param("on 2026-11-23 at 12:30:45 v1.2.3", "on 2026-11-23 at 12:30:45 v1.2.3",
                     id="dates, times and versions stay"),
    ],
)
def test_redaction(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_user_hashes_are_stable_per_salt_and_differ_across_salts() -> None:
    assert hash_user("alice", b"salt-1") == hash_user("alice", b"salt-1")
    assert hash_user("alice", b"salt-1") != hash_user("alice", b"salt-2")
    assert "alice" not in hash_user("alice", b"salt-1")
