"""The /ui/ sign-in: its cookies' flags, CSRF on every form, and sessions that end when
the key is revoked or the browser signs out."""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry

from collector.app import create_app
from collector.keys import revoke_key
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import Scope

PAGES = ("/ui/reports", "/ui/reports/2026-03", "/ui/reports/2026-03/report.json", "/ui/kpis",
         "/ui/assessments")


def sign_in(client: TestClient, key: str) -> tuple[int, str]:
    """Sign in through the form; (status, the set-cookie header)."""
    form = client.get("/ui/")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None
    answer = client.post("/ui/sign-in", data={"key": key, "csrf": csrf.group(1)},
                         follow_redirects=False)
    return answer.status_code, answer.headers.get("set-cookie", "")


def csrf_of(page: str) -> str:
    """The CSRF token a signed-in page's forms carry."""
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


@pytest.fixture
def https_client(store: Store) -> Iterator[TestClient]:
    """The app as a browser reaches it over https."""
    app = create_app(Settings(database_url=str(store.engine.url)), store, CollectorRegistry())
    with TestClient(app, base_url="https://testserver") as client:
        yield client


def test_the_session_cookie_is_httponly_strict_and_expires_in_eight_hours(
    client: TestClient, keys: dict[Scope, str]
) -> None:
    status, cookie = sign_in(client, keys[Scope.read])

    assert status == 303
    session = cookie.split(", vw_sign_in=")[0]
    assert session.startswith("vw_session=")
    assert "HttpOnly" in session and "SameSite=strict" in session and "Path=/ui" in session
    assert "Max-Age=28800" in session
    assert "Secure" not in session  # plain http: a Secure cookie would never come back


def test_over_https_the_cookies_are_secure(
    https_client: TestClient, keys: dict[Scope, str]
) -> None:
    status, cookie = sign_in(https_client, keys[Scope.read])

    assert status == 303
    assert cookie.split(", vw_sign_in=")[0].count("Secure") == 1
    assert https_client.get("/ui/reports").status_code == 200


def test_without_a_session_every_page_redirects_to_sign_in(client: TestClient) -> None:
    for path in PAGES:
        answer = client.get(path, follow_redirects=False)
        assert (path, answer.status_code, answer.headers["location"]) == (path, 303, "/ui/")
    assert client.post("/ui/assessments", follow_redirects=False).status_code == 303
    style = client.get("/ui/static/style.css")
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")


def test_a_form_without_its_csrf_token_is_refused(
    client: TestClient, keys: dict[Scope, str]
) -> None:
    client.get("/ui/")  # the sign-in cookie, but no token in the form
    no_token = client.post("/ui/sign-in", data={"key": keys[Scope.read]})
    sign_in(client, keys[Scope.assessor])
    entry = {"period": "2026-03", "name": "strategic_fit", "score": "70"}
    wrong = client.post("/ui/assessments", data={**entry, "csrf": "guessed"})
    missing = client.post("/ui/sign-out", data={})

    assert no_token.status_code == 403
    assert wrong.status_code == 403 and "CSRF" in wrong.text
    assert missing.status_code == 403
    assert client.get("/ui/reports").status_code == 200  # still signed in


def test_an_ingest_key_or_a_wrong_key_cannot_sign_in(
    client: TestClient, keys: dict[Scope, str]
) -> None:
    assert sign_in(client, keys[Scope.ingest])[0] == 401
    assert sign_in(client, "vw_not-a-key")[0] == 401
    assert client.get("/ui/reports", follow_redirects=False).status_code == 303


def test_revoking_the_key_ends_its_session(
    client: TestClient, store: Store, keys: dict[Scope, str]
) -> None:
    sign_in(client, keys[Scope.read])
    assert client.get("/ui/kpis").status_code == 200

    revoke_key(store, name="test-read")

    answer = client.get("/ui/kpis", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/ui/"


def test_signing_out_ends_the_session_even_for_a_copied_cookie(
    client: TestClient, keys: dict[Scope, str]
) -> None:
    sign_in(client, keys[Scope.read])
    copied = client.cookies["vw_session"]
    page = client.get("/ui/reports").text

    out = client.post("/ui/sign-out", data={"csrf": csrf_of(page)}, follow_redirects=False)
    client.cookies.set("vw_session", copied, path="/ui")
    again = client.get("/ui/reports", follow_redirects=False)

    assert out.status_code == 303 and 'vw_session=""' in out.headers["set-cookie"]
    assert again.status_code == 303


def test_pages_carry_a_policy_that_loads_nothing_from_elsewhere(
    client: TestClient, keys: dict[Scope, str]
) -> None:
    sign_in(client, keys[Scope.read])
    policy = client.get("/ui/kpis").headers["content-security-policy"]
    assert "default-src 'none'" in policy and "style-src 'self'" in policy
    assert "form-action 'self'" in policy and "frame-ancestors 'none'" in policy
