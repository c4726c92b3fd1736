"""Fixtures of the widget tests: the web service (a real ``python -m bot.web`` process) in front
of the real assistant (``assistant`` from tests/conftest.py), host sites on other origins, and
headless Chromium (Debian's, driven by Playwright; no browser download)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from web_helpers import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, HostSite, WebService, free_port

HOSTILE_CSS = """
  * { font-family: "Comic Sans MS", cursive !important; color: #ff0000 !important; letter-spacing: 4px !important;
      line-height: 3 !important; text-transform: uppercase !important; box-sizing: content-box !important; }
  button { background: #ffff00 !important; border: 5px dotted #00ff00 !important; padding: 30px !important; }
  div, p, span { margin: 20px !important; font-size: 30px !important; }
  [hidden] { display: block !important; }
  svg { width: 200px !important; }
"""


def host_page(service_url: str, title: str, config: str = "", hostile: bool = True, load_widget: bool = True) -> str:
    """A host page of another site: its own (hostile, very broad) CSS, content, and the one tag."""
    style = f"<style>{HOSTILE_CSS}</style>" if hostile else ""
    cfg = f"<script>window.TendikConfig = {config};</script>" if config else ""
    tag = f'<script src="{service_url}/widget/tendik-widget.js" defer></script>' if load_widget else ""
    return (
        f'<!doctype html><html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{title}</title>{style}</head><body><h1 id='h'>{title}</h1>"
        f"<p id='p'>Страница другого сайта, на которую встроен виджет.</p><button id='b'>Кнопка сайта</button>"
        f'<div id="box">блок</div>{cfg}{tag}</body></html>'
    )


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
