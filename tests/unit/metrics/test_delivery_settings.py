"""The report delivery settings: channels follow what is set, half a setup is refused."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from metrics.settings import Settings

README = (Path(__file__).parents[3] / "README.md").read_text()
MAIL = {"smtp_host": "mail.example.com", "smtp_from": "vw@example.com",
        "smtp_to": ["cfo@example.com"]}


def test_channels_are_those_configured() -> None:
    assert Settings().report_channels == ()
    assert Settings(**MAIL).report_channels == ("email",)
    assert Settings(**MAIL, report_webhook_url="https://hooks.example.com/x").report_channels \
        == ("email", "webhook")


@pytest.mark.parametrize("missing", ["smtp_from", "smtp_to"])
def test_a_mail_host_without_sender_or_recipients_is_refused(missing: str) -> None:
    with pytest.raises(ValidationError, match="VALUEWATCH_SMTP_HOST needs"):
        Settings(**{key: value for key, value in MAIL.items() if key != missing})


def test_a_login_needs_both_name_and_password() -> None:
    with pytest.raises(ValidationError, match="VALUEWATCH_SMTP_USERNAME and _PASSWORD"):
        Settings(**MAIL, smtp_username="vw")


@pytest.mark.parametrize("name", [
    "`VALUEWATCH_PUBLIC_BASE_URL`", "`VALUEWATCH_DELIVERY_INTERVAL_S`, `_TIMEOUT_S`",
    "`VALUEWATCH_REPORT_WEBHOOK_URL`", "`VALUEWATCH_SMTP_HOST`, `_PORT`",
    "`VALUEWATCH_SMTP_FROM`, `_TO`", "`VALUEWATCH_SMTP_STARTTLS`",
    "`VALUEWATCH_SMTP_USERNAME`, `_PASSWORD`",
])
def test_the_readme_settings_table_documents_delivery(name: str) -> None:
    assert f"| {name} |" in README
