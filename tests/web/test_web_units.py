"""Unit tests of the widget service's parts that need no running service: texts,
URL and id checks, settings, old-style answers, and static checks of the widget bundle and demo
page. (The rate
limiter, shared with the Telegram bot, is tested in tests/test_ratelimit.py.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tendik.common.rasa_client import BotMessage
from tendik.texts import section
from tendik.web import texts
from tendik.web.assets import DEMO, WIDGET
from tendik.web.present import message_json, safe_url
from tendik.web.settings import WebSettings
from tendik.web.validate import CONVERSATION_KEY, handle, sender_id

pytestmark = pytest.mark.unit  # no services: `make test-unit`


# ---------------------------------------------------------------- texts
def test_every_web_text_exists_in_both_languages_with_kazakh_letters() -> None:
    for key, variants in section("web").items():
        assert set(variants) == {"kk", "ru"}, key
        assert set("әғқңөұүһі") & set(variants["kk"].lower()), f"{key}: Kazakh text without Kazakh letters"
        russian = variants["ru"].replace("Теңдік", "")  # the bot's name is written the Kazakh way in both
        assert not set("әғқңөұүһі") & set(russian.lower()), f"{key}: Kazakh letters in the Russian text"
        assert re.findall(r"\{\w+\}", variants["kk"]) == re.findall(r"\{\w+\}", variants["ru"]), key


def test_text_falls_back_to_both_languages_and_formats() -> None:
    both = texts.text("message_too_long", None, limit=50)
    assert both.index("таңба") < both.index("символов"), "Kazakh first"
    assert "50" in texts.text("message_too_long", "kk", limit=50)
    assert texts.text("unavailable", "ru").startswith("Извините")  # the assistant's shared messages work too


@pytest.mark.parametrize(
    ("header", "lang"),
    [("kk", "kk"), ("kk-KZ,ru;q=0.8", "kk"), ("ru-RU,ru;q=0.9,en;q=0.8", "ru"), ("en-US,en", None), ("", None), (None, None)],
)
def test_language_from_accept_language(header: str | None, lang: str | None) -> None:
    assert texts.language_from_header(header) == lang


# ---------------------------------------------------------------- ids, URLs, settings
@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("0123456789abcdef" * 4, True),  # 32 random bytes in hex, as the widget makes it
        ("0123456789ABCDEF" * 4, False),  # the browser makes lower case
        ("2f1c7a52-8f0e-4b7a-9c1d-0a1b2c3d4e5f", False),  # the old version-4 UUID ids
        ("0123456789abcdef" * 2, False),  # 128 bits: too short
        ("web-" + "0123456789abcdef" * 4, False),
        ("", False),
        ("../../etc/passwd", False),
    ],
)
def test_conversation_key_format(value: str, ok: bool) -> None:
    assert bool(CONVERSATION_KEY.fullmatch(value)) is ok


def test_the_stored_id_is_a_one_way_hash_of_the_key() -> None:
    key = "0123456789abcdef" * 4
    sid = sender_id(key)
    assert sid.startswith("web-") and len(sid) == 36 and sid == sender_id(key)
    assert key not in sid and key[:8] not in sid and sender_id("f" * 64) != sid
    assert handle(key) == sid[4:12]


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://adilet.zan.kz/rus/docs/K1500000414", True),
        ("http://example.kz/a?b=c#d", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.example/x", False),
        ("/relative/path", False),
        ("https://", False),
        ("https://exa mple.kz", False),
        ("https://example.kz/\nSet-Cookie:x", False),
        (None, False),
        (42, False),
    ],
)
def test_safe_url_keeps_only_http_links(url: object, ok: bool) -> None:
    assert (safe_url(url) == url) is ok
    if not ok:
        assert safe_url(url) == ""


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENDIK_WEB_PORT", "9999")
    monkeypatch.setenv("TENDIK_WEB_ALLOWED_ORIGINS", " https://ngo.kz/ ,HTTPS://WWW.NGO.KZ,, ")
    monkeypatch.setenv("TENDIK_WEB_RATE_LIMIT", "7")
    monkeypatch.setenv("TENDIK_RASA_URL", "http://rasa:5005")
    s = WebSettings()
    assert s.web_port == 9999
    assert s.allowed_origins == {"https://ngo.kz", "https://www.ngo.kz"}
    assert s.web_rate_limit == 7
    assert s.rasa_url == "http://rasa:5005"
    assert s.db_url  # CommonSettings fills in the default store


def test_settings_defaults_run_out_of_the_box(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("TENDIK_WEB_HOST", "TENDIK_WEB_PORT", "TENDIK_WEB_ALLOWED_ORIGINS", "TENDIK_WEB_MAX_MESSAGE_CHARS"):
        monkeypatch.delenv(var, raising=False)
    s = WebSettings(_env_file=None)
    assert (s.web_host, s.web_port, s.web_max_message_chars) == ("127.0.0.1", 8080, 2000)
    assert s.allowed_origins == frozenset()


@pytest.mark.parametrize("var", ["TENDIK_WEB_RATE_LIMIT", "TENDIK_WEB_MAX_MESSAGE_CHARS"])
def test_settings_reject_nonsense(monkeypatch: pytest.MonkeyPatch, var: str) -> None:
    monkeypatch.setenv(var, "0")
    with pytest.raises(ValueError):
        WebSettings()


# ---------------------------------------------------------------- answers (the typed payload: tests/web/test_web_payload.py)
def test_message_json_for_a_non_legal_answer_has_no_vote() -> None:
    m = BotMessage(text="Извините, не знаю.", answer={"type": "tendik_answer", "answer_id": "ab12cd34", "knowledge_ids": []})
    shown = message_json(m)
    assert "answer" not in shown


def test_message_json_drops_unsafe_source_links() -> None:
    payload = {
        "type": "tendik_answer", "answer_id": "ab12cd34ef", "knowledge_ids": ["tk-006"],
        "citations": [{"norm_id": "tk-006", "citation": "статья 6", "edition": "редакция", "text": "x",
                       "source_url": "javascript:alert(1)"}],
    }
    shown = message_json(BotMessage(text="t", answer=payload))
    assert shown["answer"]["citations"][0]["source_url"] == ""
    assert shown["answer"]["answer_id"] == "ab12cd34ef"


# ---------------------------------------------------------------- the bundle and the demo page
def _code(text: str) -> str:
    """JavaScript/CSS without its comments (the header comment shows an embedding example)."""
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def _widget() -> str:
    return _code(WIDGET.read_text(encoding="utf-8"))


def test_widget_never_parses_text_as_html() -> None:
    js = _widget()
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert forbidden not in js, forbidden


def test_widget_defines_one_global_and_links_safely() -> None:
    js = _widget()
    assigned = set(re.findall(r"window\.([A-Za-z_$][\w$]*)\s*=(?!=)", js))
    defined = set(re.findall(r"defineProperty\(window,\s*\"(\w+)\"", js))
    assert assigned | defined == {"TendikWidget"}
    assert 'rel: "noopener noreferrer"' in js and 'target: "_blank"' in js
    assert 'attachShadow({ mode: "open" })' in js


@pytest.mark.parametrize("path", [WIDGET, *sorted(p for p in DEMO.iterdir() if p.suffix in {".html", ".css", ".js"})])
def test_no_external_assets(path: Path) -> None:
    """Nothing is loaded from a CDN: every src/href/url()/@import points at the project itself."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"<!--.*?-->", "", _code(text), flags=re.S)
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", text) + re.findall(r"url\(([^)]+)\)", text)
    refs += re.findall(r"@import\s+[\"']([^\"']+)", text)
    for ref in refs:
        ref = ref.strip("'\" ")
        assert not re.match(r"(https?:)?//", ref), f"{path.name} loads {ref} from outside"


def test_demo_pages_have_exactly_one_script_tag_and_their_language() -> None:
    for name, lang in (("index.html", "kk"), ("ru.html", "ru")):
        html = (DEMO / name).read_text(encoding="utf-8")
        assert f'<html lang="{lang}">' in html
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert len(scripts) == 1 and 'src="/widget/tendik-widget.js"' in scripts[0], scripts
        assert "style=" not in html, "inline styles would need 'unsafe-inline' in the CSP"


def in_own_loop(coroutine: Any) -> Any:
    """Run a coroutine in a fresh event loop of its own thread (the test process may hold a running loop)."""
    import asyncio
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=60)


def test_the_queue_takes_numbered_messages_in_their_order() -> None:
    import asyncio

    from tendik.web.ordering import ConversationQueue

    async def scenario() -> tuple[list[int], float]:
        queue = ConversationQueue(seq_wait=5.0)
        taken: list[int] = []

        async def message(seq: int, delay: float) -> None:
            await asyncio.sleep(delay)
            async with queue.turn("c", seq):
                taken.append(seq)
                await asyncio.sleep(0.01)

        loop = asyncio.get_running_loop()
        started = loop.time()
        # 2 and 1 arrive before 0; 3 arrives last
        await asyncio.gather(message(2, 0.0), message(1, 0.01), message(0, 0.05), message(3, 0.06))
        return taken, loop.time() - started

    taken, seconds = in_own_loop(scenario())
    assert taken == [0, 1, 2, 3]
    assert seconds < 4  # nobody waited for the time-out

    async def gap() -> tuple[list[int], float]:
        queue = ConversationQueue(seq_wait=0.2)
        taken: list[int] = []
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with queue.turn("c", 5):  # 0-4 never come: it goes on after the wait
            taken.append(5)
        waited = loop.time() - started
        async with queue.turn("c", 3):  # behind what was seen: at once
            taken.append(3)
        return taken, waited

    taken, waited = in_own_loop(gap())
    assert taken == [5, 3] and 0.15 <= waited < 2


def test_a_late_predecessor_still_goes_first_while_an_earlier_message_is_answered() -> None:
    """Two messages sent together can arrive seconds apart on a busy machine (the fault load test:
    3.5 s). The later number stops waiting for its predecessor, but while message 0 is still being
    answered both wait for the turn, and the lower number takes it first. Unnumbered requests come
    after the numbered ones."""
    import asyncio

    from tendik.web.ordering import ConversationQueue

    async def scenario() -> list[int | None]:
        queue = ConversationQueue(seq_wait=0.1)
        taken: list[int | None] = []

        async def message(seq: int | None, delay: float, busy: float) -> None:
            await asyncio.sleep(delay)
            async with queue.turn("c", seq):
                taken.append(seq)
                await asyncio.sleep(busy)

        # 0 is answered for 1 s; 2 arrives, waits 0.1 s for 1 and queues; an unnumbered request
        # queues; 1 arrives 0.6 s after 2
        await asyncio.gather(message(0, 0.0, 1.0), message(2, 0.05, 0.01), message(None, 0.3, 0.01),
                             message(1, 0.65, 0.01))
        return taken

    assert in_own_loop(scenario()) == [0, 1, 2, None]


def test_a_cancelled_waiter_does_not_keep_the_turn() -> None:
    import asyncio

    from tendik.web.ordering import ConversationQueue

    async def scenario() -> list[str]:
        queue = ConversationQueue(seq_wait=0.05)
        taken: list[str] = []

        async def message(name: str, seq: int, busy: float) -> None:
            async with queue.turn("c", seq):
                taken.append(name)
                await asyncio.sleep(busy)

        first = asyncio.create_task(message("first", 0, 0.3))
        await asyncio.sleep(0.01)
        gone = asyncio.create_task(message("gone", 1, 0.01))  # its client goes away while it waits
        await asyncio.sleep(0.1)
        gone.cancel()
        await asyncio.wait_for(asyncio.gather(first, message("next", 2, 0.01), return_exceptions=True), 5)
        assert gone.cancelled()
        async with queue.turn("c", 3):  # and the turn is free again
            taken.append("last")
        return taken

    assert in_own_loop(scenario()) == ["first", "next", "last"]
