"""Fixtures of the widget tests: the web service (a real ``python -m tendik.web`` process) in front
of the real assistant (``assistant`` from tests/conftest.py), host sites on other origins, and
headless Chromium (Debian's, driven by Playwright; no browser download)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from web_helpers import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, HostSite, WebService, free_port

from tests.conftest import REQUEST_DEADLINE


@pytest.fixture(scope="session")
def sites() -> Iterator[dict[str, HostSite]]:
    """``allowed``: an origin in TENDIK_WEB_ALLOWED_ORIGINS; ``foreign``: one that is not."""
    ports = {"allowed": free_port(), "foreign": free_port()}
    made = {name: HostSite(port, {}) for name, port in ports.items()}
    for s in made.values():
        s.start()
    yield made
    for s in made.values():
        s.stop()


@pytest.fixture(scope="session")
def web(assistant, sites, tmp_path_factory) -> Iterator[WebService]:
    """The widget service for the tests (rate limit raised so that the suite is not throttled;
    the limit itself is tested on ``strict_web``)."""
    svc = WebService(
        "main",
        tmp_path_factory.mktemp("web-logs"),
        {
            "TENDIK_RASA_URL": assistant.rasa_url,
            "TENDIK_DB_URL": assistant.db_url,
            "TENDIK_WEB_ALLOWED_ORIGINS": f"{sites['allowed'].origin}, https://ngo.example.kz",
            "TENDIK_WEB_RATE_LIMIT": "1000",
            "TENDIK_RASA_TIMEOUT": "120",
            "TENDIK_HTTP_REQUEST_TIMEOUT": str(REQUEST_DEADLINE),
        },
    ).start()
    yield svc
    svc.stop()


@pytest.fixture(scope="session")
def strict_web(assistant, tmp_path_factory) -> Iterator[WebService]:
    """A second instance with a low rate limit, behind a "proxy" (X-Forwarded-For is trusted)."""
    svc = WebService(
        "strict",
        tmp_path_factory.mktemp("web-strict-logs"),
        {
            "TENDIK_RASA_URL": assistant.rasa_url,
            "TENDIK_DB_URL": assistant.db_url,
            "TENDIK_WEB_RATE_LIMIT": "3",
            "TENDIK_WEB_RATE_WINDOW": "600",
            "TENDIK_WEB_TRUST_PROXY": "true",
        },
    ).start()
    yield svc
    svc.stop()


# ---------------------------------------------------------------- the browser
@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Shots:
    """Screenshots of each step: test-artifacts/web/<test>/<nn>-<step>.png."""

    def __init__(self, test_name: str) -> None:
        self.dir = ARTIFACTS / re.sub(r"[^\w.-]+", "_", test_name)
        self.dir.mkdir(parents=True, exist_ok=True)
        for old in self.dir.glob("*.png"):
            old.unlink()
        self.n = 0

    def __call__(self, page, step: str) -> None:  # noqa: ANN001
        self.n += 1
        page.screenshot(path=str(self.dir / f"{self.n:02d}-{step}.png"))


@pytest.fixture()
def shots(request) -> Shots:  # noqa: ANN001
    return Shots(request.node.name)


@pytest.fixture()
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()


@pytest.fixture()
def page(context):
    """A page that records console errors, page errors and CSP violations (checked by tests)."""
    pg = context.new_page()
    pg.problems = []
    pg.on("console", lambda m: pg.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error('CSP violation: ' + e.violatedDirective));"
    )
    return pg
