"""The user's side of a handoff in headless Chromium at 360 px, against the real widget service, the
real assistant and the database they share: the "👤" button under an answer, the consent, the queue
message; a message typed meanwhile is forwarded; the operator's claim and reply (written by
``tendik.handoff.store``, as the review app does) appear through the widget's polling, once, also
after a reload; the operator closing shows "closed" and the bot answers again; the cancel button
ends the case. Screenshots: test-artifacts/web/<test>/. The API side: test_web_handoff.py."""

from __future__ import annotations

import pytest
from test_web_handoff import engine, hweb, needs_model  # noqa: F401  (fixtures)
from web_browser import ROOT_JS, ask, bot_count, storage, wait_ready, wait_reply
from web_helpers import REPLY_TIMEOUT, sender_of

from tendik.handoff import store
from tendik.texts import text

WIDTH = 360


@pytest.fixture()
def phone(browser):  # noqa: ANN001, ANN201
    ctx = browser.new_context(viewport={"width": WIDTH, "height": 740}, locale="ru-RU")
    ctx.set_default_timeout(30_000)
    pg = ctx.new_page()
    pg.problems = []
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    yield pg
    ctx.close()


def start(page, base: str, lang: str) -> None:  # noqa: ANN001
    page.goto(base + ("/" if lang == "kk" else "/ru"))
    wait_ready(page)
    page.locator(".tw-launcher").click()
    page.locator(".tw-input").wait_for()


def press(page, selector: str) -> None:  # noqa: ANN001
    """Click the last chip matching ``selector`` and wait for the reply."""
    before = bot_count(page)
    page.locator(selector).last.click()
    wait_reply(page, before)


def handoff_state(page) -> str | None:  # noqa: ANN001
    return page.evaluate(f"{ROOT_JS}.querySelector('.tw-root').getAttribute('data-handoff')")


def texts_of(page, selector: str) -> list[str]:  # noqa: ANN001
    return page.evaluate(f"s => [...{ROOT_JS}.querySelectorAll(s)].map(e => e.querySelector('.tw-bubble').innerText.trim())", selector)


def overflow(page) -> list[str]:  # noqa: ANN001
    return page.evaluate(f"""w => [...{ROOT_JS}.querySelectorAll('.tw-msg, .tw-msg *')]
        .filter(e => {{ const r = e.getBoundingClientRect(); return r.width > 0 && (r.left < 0 || r.right > w); }})
        .map(e => e.className)""", WIDTH)


def hand_over(page, lang: str) -> None:  # noqa: ANN001
    ask(page, {"ru": "меня уволили из-за беременности", "kk": "жүкті болғаным үшін жұмыстан шығарды"}[lang])
    press(page, ".tw-chip[data-payload='/request_human']")
    press(page, ".tw-chip[data-payload*='\"yes\"']")
    page.locator(".tw-msg-handoff .tw-chip[data-payload='/handoff_cancel']").last.wait_for()


@needs_model
def test_operator_replies_reach_the_widget_once_and_the_bot_answers_after_close(phone, hweb, engine, shots) -> None:  # noqa: ANN001, F811
    page, lang = phone, "ru"
    start(page, hweb.url, lang)
    hand_over(page, lang)
    assert handoff_state(page) == "open"
    assert texts_of(page, ".tw-msg-handoff")[-1].startswith("Ваш вопрос в очереди, место:")
    assert page.locator(".tw-chip[data-payload='/handoff_cancel']").count() == 1
    shots(page, "queued")

    ask(page, "Приказ об увольнении мне вручили вчера")
    assert texts_of(page, ".tw-msg-handoff")[-1] == text("handoff.forwarded", lang)
    case = store.open_case_for(engine, sender_of(storage(page)["key"]))
    assert case is not None and [x.author for x in store.thread(engine, case.id)] == ["user"]

    reply = "Здравствуйте! Пришлите, пожалуйста, фото приказа.\n<b>Срок</b> для обращения ещё не прошёл."
    assert store.claim(engine, case.id, "aigerim")
    store.reply(engine, case.id, "aigerim", reply)
    page.locator(".tw-msg-operator").wait_for(timeout=REPLY_TIMEOUT * 1000)  # the next poll brings it
    assert texts_of(page, ".tw-msg-operator") == [text("handoff.operator_says", lang, text=reply)]  # as text, not HTML
    assert page.evaluate(f"{ROOT_JS}.querySelectorAll('.tw-msg-operator b').length") == 0
    assert text("handoff.claimed", lang) in texts_of(page, ".tw-msg-handoff")
    assert overflow(page) == []
    shots(page, "operator-reply")

    # a reload: the thread comes back from the history, each line once, and polling goes on
    page.reload()
    wait_ready(page)
    page.locator(".tw-msg-operator").wait_for()
    with page.expect_response(lambda r: r.url.endswith("/api/handoff/updates"), timeout=REPLY_TIMEOUT * 1000):
        pass
    assert handoff_state(page) == "open"
    assert len(texts_of(page, ".tw-msg-operator")) == 1
    assert "Приказ об увольнении мне вручили вчера" in texts_of(page, ".tw-msg-user")
    shots(page, "reloaded")

    assert store.close(engine, case.id, "aigerim")
    page.wait_for_function(f"() => {ROOT_JS}.querySelector('.tw-root').getAttribute('data-handoff') === 'none'",
                           timeout=REPLY_TIMEOUT * 1000)
    assert texts_of(page, ".tw-msg-handoff")[-1] == text("handoff.closed", lang)
    shots(page, "closed")
    ask(page, "что такое дискриминация на работе?")
    last = page.locator(".tw-msg-bot").last
    assert last.locator(".tw-vote").count() == 1 and "tw-msg-handoff" not in (last.get_attribute("class") or "")
    assert overflow(page) == []
    shots(page, "bot-again")
    assert page.problems == []


@needs_model
def test_the_cancel_button_ends_the_case(phone, hweb, engine, shots) -> None:  # noqa: ANN001, F811
    page, lang = phone, "kk"
    start(page, hweb.url, lang)
    hand_over(page, lang)
    shots(page, "queued")
    sender = sender_of(storage(page)["key"])
    assert store.open_case_for(engine, sender) is not None
    press(page, ".tw-msg-handoff .tw-chip[data-payload='/handoff_cancel']")
    assert texts_of(page, ".tw-msg-handoff")[-1] == text("handoff.cancelled", lang)
    assert texts_of(page, ".tw-msg-user")[-1] == text("handoff.cancel_button", lang)
    assert handoff_state(page) == "none" and store.open_case_for(engine, sender) is None
    shots(page, "cancelled")
    ask(page, "жұмыстағы кемсітушілік деген не?")
    assert page.locator(".tw-msg-bot").last.locator(".tw-vote").count() == 1
    assert overflow(page) == []
    shots(page, "bot-again")
    assert page.problems == []
