"""The /ui/ pages in a real browser (Debian's chromium, driven by Playwright) against a
real `valuewatch serve` holding a stored March report. Screenshots of every page, at a
laptop's and a phone's width, go to /tmp/ui-shots/."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect, sync_playwright

from collector.keys import create_key
from evaluators.value.report.job import publish_report
from metrics.store.database import Store
from metrics.store.tables import Scope
from metrics.value.config import load_value_config
from metrics.value.periods import Month
from tests.integration.conftest import Server
from tests.value_seed import CLOSED, CONFIG, MONTH, seed_month

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path("/tmp/ui-shots")
SIZES = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
JANUARY = Month(2026, 1)  # February's seeded outcomes would run into March
pytestmark = pytest.mark.slow


class Site:
    """The running server and the keys made for it."""

    def __init__(self, server: Server, keys: dict[str, str]) -> None:
        self.server = server
        self.keys = keys

    def url(self, path: str) -> str:
        """The absolute address of `path`."""
        return self.server.url + path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A server on a SQLite file holding January 2026 (a draft report) and March (final);
    assessments declared: strategic_fit (a KPI) and technical_leadership."""
    folder = tmp_path_factory.mktemp("ui")
    config_path = folder / "value.yaml"
    config_path.write_text(yaml.safe_dump({**CONFIG, "assessments": ["technical_leadership"]}))
    url = f"sqlite:///{folder / 'valuewatch.db'}"
    store = Store.open(url)
    store.migrate()
    config = load_value_config(config_path)
    seed_month(store, JANUARY)
    seed_month(store)
    with store.engine.begin() as connection:
        # January as a draft half way through, March final.
        publish_report(connection, config, JANUARY, now=datetime(2026, 1, 15, tzinfo=UTC),
                       report_dir=folder / "reports")
        publish_report(connection, config, MONTH, now=CLOSED, report_dir=folder / "reports")
    read = create_key(store, name="po-reader", scope=Scope.read)
    store.engine.dispose()
    server = Server(url, folder / "serve.log", extra_env={
        "VALUEWATCH_VALUE_CONFIG": str(config_path), "VALUEWATCH_SCHEDULER_ENABLED": "false",
        "VALUEWATCH_RESOURCE_SAMPLER_ENABLED": "false",
    })
    server.start()
    try:
        yield Site(server, {"read": read, "assessor": server.key("assessor")})
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless chromium from the system, not a Playwright download."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) at a laptop's size."""
    context = browser.new_context(viewport=SIZES["laptop"])
    yield context.new_page()
    context.close()


def sign_in(page: Page, site: Site, scope: str) -> None:
    """Sign in through the form with the key of `scope`."""
    page.goto(site.url("/ui/"))
    page.fill("#key", site.keys[scope])
    page.click("button:has-text('Sign in')")
    expect(page).to_have_url(site.url("/ui/reports"))


def shoot(page: Page, name: str) -> None:
    """Screenshots of the current page at each size."""
    SHOTS.mkdir(exist_ok=True)
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)
    page.set_viewport_size(SIZES["laptop"])


def test_a_product_owner_reads_the_report_and_enters_an_assessment(
    page: Page, site: Site
) -> None:
    page.goto(site.url("/ui/"))
    shoot(page, "sign-in")
    sign_in(page, site, "assessor")
    row = page.locator("tr", has_text="2026-03")
    expect(row).to_contain_text("final")
    expect(row).to_contain_text("31 of 31 days with data")
    draft = page.locator("tr", has_text="2026-01")
    expect(draft).to_contain_text("draft")
    expect(draft).to_contain_text("14 of 14 days with data")
    shoot(page, "reports")

    page.click("a:has-text('2026-03')")
    kpis = page.locator("#kpis")
    expect(kpis.locator("tr", has_text="hours_saved")).to_contain_text("120 hours")
    expect(kpis.locator("tr", has_text="csat")).to_contain_text("80.0 %")
    assert page.locator(".report-body img").count() >= 2  # the report's charts
    for link, media_type in (("PDF", "application/pdf"), ("HTML", "text/html"),
                             ("Markdown", "text/markdown"), ("JSON", "application/json")):
        answer = page.request.get(site.url(page.get_attribute(f"a:text-is('{link}')", "href")))
        assert answer.status == 200 and answer.headers["content-type"].startswith(media_type)

    page.click("header a:has-text('KPIs')")
    card = page.locator("#kpi-hours_saved")
    expect(card).to_contain_text("2026-03: 120 hours")
    expect(card.locator("svg circle")).to_have_count(2)  # January and March
    shoot(page, "kpis")

    page.goto(site.url("/ui/assessments?period=2026-03"))
    form = page.locator("#form-technical_leadership")
    form.locator("input[name=score]").fill("72")
    form.locator("textarea").fill("Led the retrieval design for two other teams")
    form.locator("button").click()
    expect(page.locator(".notice")).to_contain_text("Saved technical_leadership")
    history = page.locator("#history tr", has_text="technical_leadership")
    expect(history).to_contain_text("72")
    expect(history).to_contain_text("test-assessor")
    shoot(page, "assessments")

    page.goto(site.url("/ui/reports/2026-03"))
    expect(page.locator("#month-assessments")).to_contain_text("Led the retrieval design")
    shoot(page, "report")


def test_a_page_without_a_session_redirects_to_sign_in(page: Page, site: Site) -> None:
    direct = page.request.get(site.url("/ui/kpis"), max_redirects=0)
    page.goto(site.url("/ui/reports/2026-03"))

    assert direct.status == 303 and direct.headers["location"] == "/ui/"
    expect(page).to_have_url(site.url("/ui/"))
    expect(page.locator("h1")).to_have_text("Sign in")
    assert "hours_saved" not in page.content()


def test_a_form_without_its_csrf_token_is_refused(page: Page, site: Site) -> None:
    sign_in(page, site, "assessor")
    page.goto(site.url("/ui/assessments?period=2026-03"))
    form = page.locator("#form-strategic_fit")
    form.locator("input[name=csrf]").evaluate("input => input.remove()")
    form.locator("input[name=score]").fill("10")

    with page.expect_response(re.compile(r"/ui/assessments$")) as answer:
        form.locator("button").click()

    assert answer.value.status == 403
    expect(page.locator("body")).to_contain_text("CSRF")


def test_signing_out_ends_the_session(page: Page, site: Site) -> None:
    sign_in(page, site, "read")
    cookies = page.context.cookies()

    page.click("button:has-text('Sign out')")
    expect(page).to_have_url(site.url("/ui/"))
    page.context.add_cookies(cookies)  # the old cookie, put back, opens nothing
    page.goto(site.url("/ui/reports"))

    expect(page).to_have_url(site.url("/ui/"))


def test_a_read_key_cannot_submit_assessments(page: Page, site: Site) -> None:
    sign_in(page, site, "read")
    page.goto(site.url("/ui/assessments?period=2026-03"))
    expect(page.locator(".notice")).to_contain_text("an assessor key enters them")
    assert page.locator("form.entry").count() == 0
    csrf = page.get_attribute("header input[name=csrf]", "value")

    answer = page.request.post(site.url("/ui/assessments"), form={
        "csrf": csrf or "", "period": "2026-03", "name": "strategic_fit", "score": "99"})

    assert answer.status == 403 and "assessor key" in answer.text()
