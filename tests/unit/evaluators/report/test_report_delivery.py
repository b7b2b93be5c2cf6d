"""A closed month's final report is published on a fresh install, and sent once by
e-mail (to a real SMTP server) and to a webhook, a failed send being tried again."""

import json
import logging
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from evaluators.jobs import build_jobs, job_named
from evaluators.runner import run_job
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.value.periods import Month
from metrics.value.store import DELIVERIES, stored_report
from tests.value_seed import MONTH, seed_month, value_config

APRIL = datetime(2026, 4, 3, 0, 10, tzinfo=UTC)  # March closed two days ago
BASE_URL = "https://valuewatch.example.com"
LINK = f"{BASE_URL}/api/v1/reports/2026-03?format=html"
RECIPIENTS = ["cfo@example.com", "ops@example.com"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MailBox:
    """aiosmtpd handler that keeps every envelope it is handed."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def mailbox() -> Iterator[tuple[MailBox, int]]:
    box, port = MailBox(), _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


class Webhook(ThreadingHTTPServer):
    """Keeps each JSON body posted to it; answers 500 to the first `failures` posts."""

    def __init__(self, failures: int) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.failures = failures
        super().__init__(("127.0.0.1", 0), _WebhookHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/report"


class _WebhookHandler(BaseHTTPRequestHandler):
    server: Webhook

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.server.failures > 0:
            self.server.failures -= 1
            self.send_response(500)
        else:
            self.server.bodies.append(body)
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def webhook(failures: int) -> Iterator[Webhook]:
    server = Webhook(failures)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def receiver() -> Iterator[Webhook]:
    yield from webhook(failures=0)


@pytest.fixture
def failing_receiver() -> Iterator[Webhook]:
    yield from webhook(failures=1)


def run_report_and_delivery(settings: Settings, store: Store, now: datetime) -> None:
    jobs = build_jobs(settings)
    run_job(store, job_named(jobs, "report"), now)
    run_job(store, job_named(jobs, "delivery"), now)


def deliveries(store: Store) -> dict[str, Any]:
    with store.engine.connect() as connection:
        return {row.channel: row for row in connection.execute(select(DELIVERIES))}


def test_a_fresh_install_publishes_last_month_and_sends_it_once_by_mail_and_webhook(
    store: Store, tmp_path: Path, mailbox: tuple[MailBox, int], receiver: Webhook
) -> None:
    box, port = mailbox
    seed_month(store)
    value_config(tmp_path)
    settings = Settings(
        database_url=str(store.engine.url), value_config=tmp_path / "value.yaml",
        report_dir=tmp_path / "reports", public_base_url=BASE_URL,
        smtp_host="127.0.0.1", smtp_port=port, smtp_from="valuewatch@example.com",
        smtp_to=RECIPIENTS, smtp_starttls=False, report_webhook_url=receiver.url,
    )

    run_report_and_delivery(settings, store, APRIL)

    with store.engine.connect() as connection:
        stored = {name: stored_report(connection, MONTH, name) for name in ("json", "html", "pdf")}
    assert all(found is not None and found.final for found in stored.values())
    summary = json.loads(stored["json"].content)["summary"]
    line = (f"Value report 2026-03: value score {summary['value_score']:.0f}/100, ROI 171.8%, "
            "value created 5,300 EUR for a cost of 1,950 EUR")
    [envelope] = box.envelopes
    assert envelope.mail_from == "valuewatch@example.com"
    assert envelope.rcpt_tos == RECIPIENTS
    mail = message_from_bytes(envelope.content, policy=policy.default)
    assert isinstance(mail, EmailMessage)
    assert mail["Subject"] == line
    assert mail["To"] == "cfo@example.com, ops@example.com"
    html = mail.get_body(("html",))
    assert html is not None  # SMTP carries text with CRLF line ends
    assert html.get_content().replace("\r\n", "\n").encode() == stored["html"].content
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "valuewatch-report-2026-03.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == stored["pdf"].content
    assert attachment.get_content().startswith(b"%PDF")
    [posted] = receiver.bodies
    assert posted == {"text": f"{line}. <{LINK}|Open the report>", "period": "2026-03",
                      "report_url": LINK}

    run_report_and_delivery(settings, store, APRIL + timedelta(days=1))

    assert len(box.envelopes) == 1 and len(receiver.bodies) == 1
    sent = deliveries(store)
    assert sorted(sent) == ["email", "webhook"]
    assert all(row.delivered_at is not None and row.attempts == 1 for row in sent.values())


def test_a_failed_webhook_is_logged_and_sent_on_the_next_run(
    store: Store, tmp_path: Path, failing_receiver: Webhook, caplog: pytest.LogCaptureFixture
) -> None:
    seed_month(store)
    value_config(tmp_path)
    settings = Settings(
        database_url=str(store.engine.url), value_config=tmp_path / "value.yaml",
        report_dir=tmp_path / "reports", report_webhook_url=failing_receiver.url,
    )

    with caplog.at_level(logging.WARNING, logger="valuewatch.evaluators.delivery"):
        run_report_and_delivery(settings, store, APRIL)

    assert failing_receiver.bodies == []
    [warning] = caplog.records
    assert warning.getMessage().startswith(
        "report 2026-03: webhook delivery failed, retried on the next run: HTTPError: "
        "HTTP Error 500")
    failed = deliveries(store)["webhook"]
    assert failed.delivered_at is None and failed.attempts == 1
    assert failed.last_error.startswith("HTTPError: HTTP Error 500")

    run_report_and_delivery(settings, store, APRIL + timedelta(minutes=10))
    run_report_and_delivery(settings, store, APRIL + timedelta(minutes=20))

    [posted] = failing_receiver.bodies
    assert posted["text"].startswith("Value report 2026-03: value score ")
    assert "report_url" not in posted  # no public base URL set: no link
    sent = deliveries(store)["webhook"]
    assert sent.delivered_at is not None and sent.attempts == 2 and sent.last_error == ""


def test_months_without_data_are_not_published_and_unconfigured_channels_queue_nothing(
    store: Store, tmp_path: Path
) -> None:
    seed_month(store)
    value_config(tmp_path)
    settings = Settings(database_url=str(store.engine.url), value_config=tmp_path / "value.yaml",
                        report_dir=tmp_path / "reports")

    run_report_and_delivery(settings, store, datetime(2026, 7, 2, 0, 10, tzinfo=UTC))

    with store.engine.connect() as connection:
        march = stored_report(connection, MONTH, "json")
        empty = [stored_report(connection, Month(2026, m), "json") for m in (4, 5, 6)]
    assert march is not None and march.final
    assert empty == [None, None, None]
    assert deliveries(store) == {}
