"""The widget and drafts in headless Chromium at 360 px, against the real widget service and the
real assistant: a conversation whose bot message carries a draft (stored in Rasa's tracker table,
read back as the history) shows the caption and the DOCX / PDF buttons; a click downloads a file
(blob + <a download>) whose text holds the user's name; a draft whose values cannot fill the
template shows the drafts' own error line in the user's language; and the welcome's self-check
entry sends ``/start_selfcheck`` (its bubble shows the title, also after a reload) and gets the
form's first question from real Rasa. Screenshots: test-artifacts/web/<test>/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_web_drafts import FIELDS, docx_text, nows, pdf_text, store_draft
from web_browser import ROOT_JS, ask, bot_count, wait_ready, wait_reply
from web_helpers import new_cid

from tendik.drafts.files import files_for
from tendik.drafts.render import MissingFields
from tendik.texts import text

WIDTH = 360


@pytest.fixture()
def phone(browser):  # noqa: ANN001, ANN201
    ctx = browser.new_context(viewport={"width": WIDTH, "height": 740}, accept_downloads=True, locale="ru-RU")
    ctx.set_default_timeout(30_000)
    pg = ctx.new_page()
    pg.problems = []
    # A refused request is logged by Chromium as "Failed to load resource": expected for the 422 below.
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None)
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    yield pg
    ctx.close()


def open_with(page, base: str, lang: str, key: str | None) -> None:  # noqa: ANN001
    """The demo page with the widget open on the conversation of ``key`` (as if the visitor came back)."""
    state = json.dumps({"key": key, "lang": lang, "open": True})
    page.add_init_script(f"if (!sessionStorage.getItem('t')) {{ sessionStorage.setItem('t', '1'); "
                         f"localStorage.setItem('tendik-widget:v2', {json.dumps(state)}); }}")
    page.goto(base + ("/" if lang == "kk" else "/ru"))
    wait_ready(page)


def overflow(page) -> list[str]:  # noqa: ANN001
    """Widget elements wider than the screen."""
    return page.evaluate(f"""w => [...{ROOT_JS}.querySelectorAll('.tw-draft, .tw-draft *, .tw-entry, .tw-entry *')]
        .filter(e => {{ const r = e.getBoundingClientRect(); return r.width > 0 && (r.left < 0 || r.right > w); }})
        .map(e => e.className)""", WIDTH)


def download(page, box, fmt: str) -> tuple[str, bytes]:  # noqa: ANN001
    with page.expect_download() as info:
        box.locator(f".tw-draft-btn[data-format='{fmt}']").click()
    dl = info.value
    return dl.suggested_filename, Path(dl.path()).read_bytes()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_drafts_download_buttons_give_the_files_at_360px(phone, web, assistant, shots, lang: str) -> None:  # noqa: ANN001
    page = phone
    key = new_cid()
    store_draft(assistant.db_url, key, lang)
    broken = store_draft(assistant.db_url, key, lang, {"worker_name": FIELDS[lang]["worker_name"]})
    open_with(page, web.url, lang, key)
    boxes = page.locator(".tw-draft")
    boxes.nth(1).wait_for()
    assert boxes.count() == 2
    box = boxes.first
    assert box.locator(".tw-draft-caption").inner_text() == text("web.draft.caption", lang)
    assert box.locator(".tw-draft-btn").all_inner_texts() == [text("web.draft.download", lang, format=f) for f in ("DOCX", "PDF")]
    assert overflow(page) == []
    box.scroll_into_view_if_needed()
    shots(page, "buttons")

    name, data = download(page, box, "pdf")
    assert name == f"request-reasons-{lang}.pdf" and data.startswith(b"%PDF-")
    assert nows(FIELDS[lang]["worker_name"]) in pdf_text(data)
    assert box.locator(".tw-draft-status").inner_text() == text("web.draft.done", lang, name=name)
    name, data = download(page, box, "docx")
    assert name == f"request-reasons-{lang}.docx" and data.startswith(b"PK")
    assert nows(FIELDS[lang]["worker_name"]) in docx_text(data)
    assert box.get_attribute("aria-busy") == "false"
    assert box.locator(".tw-draft-btn").evaluate_all("bs => bs.map(b => b.getAttribute('aria-disabled'))") == ["false", "false"]
    shots(page, "downloaded")

    # values that cannot fill the template: the drafts' own message, in the user's language
    assert broken.draft is not None
    with pytest.raises(MissingFields) as expected:
        files_for(broken.draft, formats=("pdf",))
    second = boxes.nth(1)
    second.locator(".tw-draft-btn[data-format='pdf']").click()
    error = second.locator(".tw-draft-error")
    page.wait_for_function(f"() => [...{ROOT_JS}.querySelectorAll('.tw-draft-error')].some(e => e.textContent)")
    assert error.inner_text() == expected.value.message(lang)
    assert error.get_attribute("role") == "alert"
    second.scroll_into_view_if_needed()
    shots(page, "error")
    assert page.problems == [], page.problems


def bot_texts(page) -> list[str]:  # noqa: ANN001
    return page.locator(".tw-msg-bot:not(.tw-welcome) .tw-bubble").all_inner_texts()


def click_entry(page, title: str) -> None:  # noqa: ANN001
    entry = page.locator(".tw-welcome .tw-selfcheck")
    assert entry.inner_text() == title and entry.get_attribute("data-payload") == "/start_selfcheck"
    before = bot_count(page)
    entry.click()
    wait_reply(page, before)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_drafts_selfcheck_entry_starts_the_form_from_the_welcome(phone, web, shots, lang: str) -> None:  # noqa: ANN001
    page = phone
    title = text("selfcheck.form.button", lang)
    question = text("selfcheck.ask.sc_stage", lang)
    open_with(page, web.url, lang, None)
    assert overflow(page) == []
    shots(page, "welcome")

    # the entry as the very first message of a conversation
    click_entry(page, title)
    assert page.locator(".tw-msg-user .tw-bubble").all_inner_texts() == [title]  # the title, never the payload
    assert any(question in t for t in bot_texts(page)), bot_texts(page)
    stage = page.locator(".tw-msg-bot:not(.tw-welcome)").last
    assert "/selfcheck_stop" in stage.locator(".tw-chip").evaluate_all("bs => bs.map(b => b.dataset.payload)")
    shots(page, "first-question")

    # after a reload the history shows the same: the entry's title, then the question
    page.reload()
    wait_ready(page)
    page.locator(".tw-msg-bot:not(.tw-welcome)").last.wait_for()
    assert page.locator(".tw-msg-user .tw-bubble").all_inner_texts() == [title]
    assert any(question in t for t in bot_texts(page))
    shots(page, "after-reload")

    # in a conversation that has begun: the welcome's entry still starts the form, in the user's language only
    page.locator(".tw-menu-btn").click()
    page.locator(".tw-new").click()
    ask(page, {"kk": "сәлеметсіз бе", "ru": "здравствуйте"}[lang])
    click_entry(page, title)
    assert page.locator(".tw-msg-user .tw-bubble").all_inner_texts()[-1] == title
    assert question in bot_texts(page), bot_texts(page)
    shots(page, "after-greeting")
    assert page.problems == [], page.problems
