"""Sending each closed month's final report once: by e-mail and to a webhook.

The report job queues a month on the configured channels when its final report is
first stored; the delivery job sends what is queued. Nothing is sent inside a database
transaction, so a slow mail server holds no lock that ingest waits for, and a failed
send is logged by channel and error type and tried again on the next run.

E-mail uses the standard library's smtplib and email; the webhook, urllib.
"""

import json
import logging
import smtplib
import ssl
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from sqlalchemy import Connection

from evaluators.windows import Window
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.types import utc_now
from metrics.value.periods import Month
from metrics.value.store import pending_deliveries, record_delivery, stored_report

log = logging.getLogger("valuewatch.evaluators.delivery")
IMPLICIT_TLS_PORT = 465


@dataclass(frozen=True, kw_only=True)
class MailServer:
    """Where and how report e-mails are sent."""

    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    starttls: bool
    username: str | None = None
    password: str | None = None


@dataclass(frozen=True, kw_only=True)
class DeliveryTargets:
    """The channels reports go to, and the public address links in them point at."""

    mail: MailServer | None = None
    webhook_url: str | None = None
    base_url: str | None = None
    timeout_s: float = 30.0


def delivery_targets(settings: Settings) -> DeliveryTargets:
    """The delivery channels `settings` configure."""
    s = settings
    mail = None
    if s.smtp_host and s.smtp_from:
        password = s.smtp_password.get_secret_value() if s.smtp_password else None
        mail = MailServer(host=s.smtp_host, port=s.smtp_port, sender=s.smtp_from,
                          recipients=tuple(s.smtp_to), starttls=s.smtp_starttls,
                          username=s.smtp_username, password=password)
    return DeliveryTargets(mail=mail, webhook_url=s.report_webhook_url,
                           base_url=s.public_base_url, timeout_s=s.delivery_timeout_s)


def deliver_reports(store: Store, connection: Connection, window: Window, *,
                    targets: DeliveryTargets) -> int:
    """Send every queued final report on its channel; returns how many were delivered.

    Reads and records on connections of its own, one short transaction per report, and
    leaves the window's `connection` unused."""
    with store.engine.connect() as reading:
        pending = pending_deliveries(reading)
    delivered = 0
    for month, channel in pending:
        if not _configured(targets, channel):
            continue  # left queued: sent once the channel is configured again
        error = None
        try:
            with store.engine.connect() as reading:
                report = _stored(reading, month)
            if channel == "email":
                assert targets.mail is not None  # _configured saw to it
                send_email(targets.mail, report_email(targets, month, report),
                           timeout_s=targets.timeout_s)
            else:
                assert targets.webhook_url is not None
                post_webhook(targets.webhook_url, webhook_payload(targets, month, report),
                             timeout_s=targets.timeout_s)
        except Exception as exc:  # any failure of one channel is retried, the rest go on
            error = f"{type(exc).__name__}: {exc}"
            log.warning("report %s: %s delivery failed, retried on the next run: %s",
                        month, channel, error)
        else:
            delivered += 1
            log.info("report %s: delivered by %s", month, channel)
        with store.engine.begin() as writing:
            record_delivery(writing, month, channel, at=utc_now(), error=error)
    return delivered


def report_link(targets: DeliveryTargets, month: Month) -> str | None:
    """The report's address in the API, where a public base URL is set."""
    if not targets.base_url:
        return None
    return f"{targets.base_url.rstrip('/')}/api/v1/reports/{month}?format=html"


def summary_line(month: Month, document: dict[str, Any]) -> str:
    """One sentence on the month: value score, ROI, value created and cost."""
    summary, currency = document.get("summary", {}), document.get("currency", "")
    parts = []
    if summary.get("value_score") is not None:
        parts.append(f"value score {summary['value_score']:.0f}/100")
    if summary.get("roi") is not None:
        parts.append(f"ROI {summary['roi']:.1%}")
    if summary.get("value_created") is not None and summary.get("total_cost") is not None:
        parts.append(f"value created {summary['value_created']:,.0f} {currency} "
                     f"for a cost of {summary['total_cost']:,.0f} {currency}")
    return f"Value report {month}: {', '.join(parts) or 'no figures'}."


def webhook_payload(targets: DeliveryTargets, month: Month,
                    report: dict[str, bytes]) -> dict[str, Any]:
    """A Slack-compatible message: `text` with the summary and a link to the report."""
    text = summary_line(month, json.loads(report["json"]))
    link = report_link(targets, month)
    payload: dict[str, Any] = {"text": f"{text} <{link}|Open the report>" if link else text,
                               "period": str(month)}
    if link:
        payload["report_url"] = link
    return payload


def report_email(targets: DeliveryTargets, month: Month,
                 report: dict[str, bytes]) -> EmailMessage:
    """The e-mail of `month`: the HTML report as body (Markdown as its plain-text
    alternative) and the PDF attached."""
    assert targets.mail is not None
    message = EmailMessage()
    message["Subject"] = summary_line(month, json.loads(report["json"])).rstrip(".")
    message["From"] = targets.mail.sender
    message["To"] = ", ".join(targets.mail.recipients)
    link = report_link(targets, month)
    text = report["md"].decode()
    message.set_content(f"{text}\n\n{link}\n" if link else text)
    message.add_alternative(report["html"].decode(), subtype="html")
    message.add_attachment(report["pdf"], maintype="application", subtype="pdf",
                           filename=f"valuewatch-report-{month}.pdf")
    return message


def send_email(mail: MailServer, message: EmailMessage, *, timeout_s: float) -> None:
    """Send `message` through `mail`: implicit TLS on port 465, else STARTTLS if set."""
    context = ssl.create_default_context()
    if mail.port == IMPLICIT_TLS_PORT:
        client: smtplib.SMTP = smtplib.SMTP_SSL(mail.host, mail.port, timeout=timeout_s,
                                                 context=context)
    else:
        client = smtplib.SMTP(mail.host, mail.port, timeout=timeout_s)
    with client:
        if mail.starttls and mail.port != IMPLICIT_TLS_PORT:
            client.starttls(context=context)
        if mail.username is not None and mail.password is not None:
            client.login(mail.username, mail.password)
        client.send_message(message, to_addrs=list(mail.recipients))


def post_webhook(url: str, payload: dict[str, Any], *, timeout_s: float) -> None:
    """POST `payload` as JSON; an answer other than 2xx raises urllib's HTTPError."""
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout_s) as answer:
        answer.read()


def _configured(targets: DeliveryTargets, channel: str) -> bool:
    return (targets.mail is not None) if channel == "email" else bool(targets.webhook_url)


def _stored(connection: Connection, month: Month) -> dict[str, bytes]:
    report = {}
    for name in ("json", "md", "html", "pdf"):
        found = stored_report(connection, month, name)
        if found is None:
            raise LookupError(f"no stored {name} report for {month}")
        report[name] = found.content
    return report
