"""Rasa itself down: the real Rasa server of the shared ``assistant`` fixture is stopped (and
started again in ``finally``, so the rest of the session keeps its assistant). The service answers
503 with "temporarily unavailable" in the user's language, the widget says so politely and lets the
user send the message again, the history still loads (it is read from the database), and once Rasa
is back the same conversation goes on."""

from __future__ import annotations

from web_browser import ROOT_JS, active, ask, bot_count, open_demo, wait_reply
from web_helpers import REPLY_TIMEOUT, chat, history, new_cid, request

from tendik.texts import section

MESSAGES = section("system")


def test_rasa_down_then_back(page, web, assistant, shots) -> None:  # noqa: ANN001
    open_demo(page, web.url, "/")
    page.locator(".tw-launcher").click()
    ask(page, "сәлем")
    cid = page.evaluate("() => JSON.parse(localStorage.getItem('tendik-widget:v2')).key")
    shots(page, "before")

    assistant.stop("rasa")
    try:
        for lang in ("kk", "ru"):
            resp = chat(web.url, new_cid(), "меня уволили когда я была беременна", lang)
            assert resp.status == 503, resp
            data = resp.json()
            assert data["error"] == "unavailable"
            assert data["messages"] == [{"role": "bot", "kind": "error", "text": MESSAGES["unavailable"][lang]}]
        health = request(web.url + "/healthz").json()
        assert health == {"status": "degraded", "rasa": False, "actions": False, "db": True}
        # the history does not need Rasa
        restored_history = history(web.url, cid).json()
        assert [m["text"] for m in restored_history["messages"] if m["role"] == "user"] == ["сәлем"]

        # in the widget: Kazakh
        page.locator(".tw-input").fill("жүкті болғаным үшін жұмысқа алмады")
        page.locator(".tw-input").press("Enter")
        notice = page.locator(".tw-msg-notice").last
        notice.wait_for(timeout=REPLY_TIMEOUT * 1000)
        assert notice.locator(".tw-bubble").inner_text().strip() == MESSAGES["unavailable"]["kk"]
        failed = page.locator(".tw-msg-user").last
        assert failed.locator(".tw-failed").inner_text().startswith("Жіберілмеді.")
        assert failed.locator(".tw-retry").is_visible()
        assert active(page)["tag"] == "textarea", "the focus stays where the user is typing"
        shots(page, "unavailable-kk")

        # and Russian
        page.locator(".tw-lang[data-lang=ru]").click()
        page.locator(".tw-input").fill("меня уволили когда я была беременна")
        page.locator(".tw-input").press("Enter")
        page.wait_for_function(f"() => {ROOT_JS}.querySelectorAll('.tw-msg-notice').length === 2")
        assert page.locator(".tw-msg-notice").last.locator(".tw-bubble").inner_text().strip() == MESSAGES["unavailable"]["ru"]
        shots(page, "unavailable-ru")
    finally:
        if "rasa" not in assistant.procs:
            assistant.start_rasa()

    assert request(web.url + "/healthz").json()["rasa"] is True
    # Rasa is back: "retry" on the Kazakh message sends it again, in Kazakh, in the same conversation
    before = bot_count(page)
    page.locator(".tw-msg-user .tw-retry").first.click()
    wait_reply(page, before)
    cards = page.locator(".tw-msg-bot:has(.tw-quote)").last
    assert "Еңбек кодексінің 25-бабы" in cards.inner_text()
    assert page.locator(".tw-msg-user").first.locator(".tw-failed").count() == 0
    shots(page, "back")
    restored_history = history(web.url, cid).json()
    assert [m["text"] for m in restored_history["messages"] if m["role"] == "user"] == ["сәлем", "жүкті болғаным үшін жұмысқа алмады"]
