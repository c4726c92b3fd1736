"""The widget in a real browser (Debian's headless Chromium driven by Playwright) on the demo page,
against the real web service and the real assistant. Screenshots of each step are saved under
test-artifacts/web/<test>/.

Covers: a Kazakh and a Russian question each answered from the typed payload (the quoted norm under
its citation and edition, the "more" buttons as chips that open the rest), a Rasa button chip, votes, the conversation surviving a reload, the language toggle, keyboard-only use,
a 360 px wide screen, "new conversation" and "delete my conversation" (rows gone from SQLite),
contrast and ARIA roles, style isolation on a hostile host page of another (allowed) origin,
no globals but one, a refused origin, and text never rendered as HTML."""

from __future__ import annotations

import json

import pytest
from web_browser import (
    ROOT_JS,
    active,
    ask,
    bot_count,
    contrasts,
    focus_ring,
    open_demo,
    storage,
    wait_ready,
    wait_reply,
)
from web_helpers import REPLY_TIMEOUT, db_rows, has_kazakh_letters, host_page, sender_of

from tendik.web.texts import text as web_text


def assert_clean(page, base: str, requests: list[str] | None = None) -> None:  # noqa: ANN001
    """No console errors, no page errors, no CSP violations; every request went to the service."""
    assert page.problems == [], page.problems
    for url in requests or []:
        assert url.startswith(base + "/") or url.startswith("data:"), f"a request left the project: {url}"


def record_requests(page) -> list[str]:  # noqa: ANN001
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    return urls


def last_bot(page):  # noqa: ANN001, ANN201
    return page.locator(".tw-msg-bot:not(.tw-welcome)").last


def answer_with_quotes(page):  # noqa: ANN001, ANN201
    """The latest bot message that quotes norms."""
    return page.locator(".tw-msg-bot:has(.tw-quote)").last


def press_more(page, msg, view: str) -> None:  # noqa: ANN001
    """Click the answer's "more" chip for ``view`` and wait for its reply."""
    before = bot_count(page)
    msg.locator(f".tw-chip[data-payload^='/show_more{{\"view\":\"{view}\"']").first.click()
    wait_reply(page, before)


# ---------------------------------------------------------------- 1. Kazakh question, quoted norm, vote
def test_kazakh_question_answer_with_quoted_norm_and_vote(page, web, assistant, shots) -> None:  # noqa: ANN001
    urls = record_requests(page)
    open_demo(page, web.url, "/")
    shots(page, "demo-page-kk")
    launcher = page.locator(".tw-launcher")
    assert launcher.get_attribute("aria-expanded") == "false"
    launcher.click()
    assert launcher.get_attribute("aria-expanded") == "true"
    panel = page.locator(".tw-panel")
    assert panel.is_visible() and panel.get_attribute("role") == "dialog"
    assert page.locator(".tw-input").get_attribute("placeholder") == "Жағдайыңызды сипаттаңыз немесе сұрақ қойыңыз"
    shots(page, "panel-open")

    box = page.locator(".tw-input")
    box.fill("жүкті болғаным үшін жұмысқа алмады")
    before = bot_count(page)
    # watch the typing indicator: shown (with its text for screen readers) while the answer is awaited
    page.evaluate(f"""() => {{ const r = {ROOT_JS}; window.__typing = [];
        new MutationObserver(changes => changes.filter(c => c.target.classList.contains('tw-typing')).forEach(c =>
            window.__typing.push([c.target.hidden, r.querySelector('[role=status]').textContent])))
          .observe(r, {{attributes: true, attributeFilter: ['hidden'], subtree: true}}); }}""")
    box.press("Enter")
    wait_reply(page, before)
    assert page.evaluate("() => window.__typing") == [[False, "Теңдік жауап жазып жатыр…"], [True, ""]]
    assert page.locator(".tw-typing").get_attribute("aria-hidden") == "true"
    shots(page, "answer")

    msg = answer_with_quotes(page)
    assert "жеке заң кеңесі емес" in msg.locator(".tw-a-disclaimer").inner_text(), "the disclaimer of the answer is shown"
    quotes = msg.locator(".tw-quote")
    assert quotes.count() == 1  # the first reply quotes one paragraph, visible at once
    first = quotes.first
    caption = first.locator(".tw-cite-line").inner_text()
    assert "Еңбек кодексінің" in caption and "редакциясы" in caption
    norm_text = first.locator(".tw-norm").inner_text()
    assert first.locator(".tw-norm").is_visible() and len(norm_text) > 40 and has_kazakh_letters(norm_text)
    src = first.locator("a")
    assert src.get_attribute("target") == "_blank" and src.get_attribute("rel") == "noopener noreferrer"
    assert src.get_attribute("href").startswith("https://")

    # the quote shows exactly the answer's norm text (as stored in the tracker by the assistant)
    cid = storage(page)["key"]
    events = db_rows(assistant.db_url, "events", sender_of(cid))
    bot = [json.loads(e[-1]) for e in events if e[2] == "bot" and "tendik_answer" in e[-1]]
    stored = bot[-1]["data"]["custom"]
    quoted = [i for s in stored["sections"] if s["kind"] == "law" for i in s["citations"]]
    assert norm_text.strip() == stored["citations"][quoted[0]]["text"].strip()
    assert caption.startswith(stored["citations"][quoted[0]]["citation"][:1].upper() + stored["citations"][quoted[0]]["citation"][1:])
    shots(page, "quote")

    helpful = msg.locator(".tw-vote-btn[data-vote=helpful]")
    helpful.click()
    page.wait_for_function(f"() => {ROOT_JS}.querySelector('.tw-vote-status').textContent.length > 0")
    assert helpful.get_attribute("aria-pressed") == "true"
    assert msg.locator(".tw-vote-status").inner_text() == "Рахмет! Бағаңыз сақталды."
    votes = db_rows(assistant.db_url, "tendik_feedback", sender_of(cid))
    assert [(v[3], v[5], v[6]) for v in votes] == [("helpful", "web", "kk")]
    shots(page, "voted")

    # the optional comment, as in Telegram
    msg.locator(".tw-comment-open").click()
    comment = msg.locator(".tw-comment-input")
    assert comment.is_visible() and active(page)["tag"] == "textarea"
    comment.fill("Мерзімдер туралы толығырақ болса екен")
    shots(page, "comment")
    msg.locator(".tw-comment-send").click()
    page.wait_for_function(f"() => {ROOT_JS}.querySelector('.tw-vote-status').textContent.startsWith('Рахмет! Пікір')")
    assert msg.locator(".tw-comment").is_hidden() and active(page)["vote"] == "helpful"
    votes = db_rows(assistant.db_url, "tendik_feedback", sender_of(cid))
    assert [v[4] for v in votes] == ["Мерзімдер туралы толығырақ болса екен"]
    assert_clean(page, web.url, urls)


# ---------------------------------------------------------------- 2. Russian question, language toggle
def test_russian_question_and_language_toggle(page, web, shots) -> None:  # noqa: ANN001
    urls = record_requests(page)
    open_demo(page, web.url, "/ru")
    page.locator(".tw-launcher").click()
    ru, kk = page.locator(".tw-lang[data-lang=ru]"), page.locator(".tw-lang[data-lang=kk]")
    assert ru.get_attribute("aria-pressed") == "true" and kk.get_attribute("aria-pressed") == "false", "page language"
    assert page.locator(".tw-input").get_attribute("placeholder") == "Опишите ситуацию или задайте вопрос"
    shots(page, "ru-panel")

    ask(page, "меня уволили когда я была беременна")
    msg = answer_with_quotes(page)
    assert "Статья 54 Трудового кодекса РК" in msg.locator(".tw-cite-line").first.inner_text()
    assert msg.locator(".tw-norm").first.is_visible()
    # "the norms in full": its title as the user's bubble, every paragraph of the topic quoted
    title = msg.locator(".tw-chip").first.inner_text()
    press_more(page, msg, "law")
    assert page.locator(".tw-msg-user").last.inner_text().strip().endswith(title) and "show_more" not in page.locator(".tw-msg-user").last.inner_text()
    law = last_bot(page)
    assert law.locator(".tw-quote").count() >= 2 and "tk-054" in law.locator(".tw-quote").evaluate_all("els => els.map(e => e.dataset.norm)")
    shots(page, "ru-answer-law")

    kk.click()
    assert kk.get_attribute("aria-pressed") == "true" and ru.get_attribute("aria-pressed") == "false"
    assert page.locator(".tw-input").get_attribute("placeholder") == "Жағдайыңызды сипаттаңыз немесе сұрақ қойыңыз"
    assert page.locator(".tw-root").get_attribute("lang") == "kk"
    assert page.locator(".tw-title").inner_text() == "Теңдік"
    assert page.locator(".tw-welcome .tw-bubble").inner_text().startswith("Сәлеметсіз бе!")
    assert storage(page)["lang"] == "kk"
    shots(page, "toggled-to-kk")

    # a Russian-written question with the toggle on Kazakh is answered in Kazakh
    ask(page, "женщинам платят меньше чем мужчинам")
    text = last_bot(page).inner_text()
    assert has_kazakh_letters(text) and "Еңбек кодексінің" in text
    assert last_bot(page).get_attribute("lang") == "kk"
    shots(page, "kk-answer-to-russian-text")

    ru.click()
    assert page.locator(".tw-send").get_attribute("aria-label") == "Отправить"
    page.reload()
    wait_ready(page)
    assert page.locator(".tw-lang[data-lang=ru]").get_attribute("aria-pressed") == "true", "the choice survives a reload"
    assert_clean(page, web.url, urls)


# ---------------------------------------------------------------- 3. Rasa's buttons as chips
def test_button_chip(page, web, shots) -> None:  # noqa: ANN001
    open_demo(page, web.url, "/")
    page.locator(".tw-launcher").click()
    ask(page, "сәлем")
    chips = last_bot(page).locator(".tw-chip")
    assert chips.count() >= 5
    assert last_bot(page).locator(".tw-chips").get_attribute("role") == "group"
    shots(page, "greeting-with-chips")
    chip = last_bot(page).locator(".tw-chip[data-payload='/ask_equal_pay']")
    title = chip.inner_text()
    before = bot_count(page)
    chip.click()
    wait_reply(page, before)
    assert page.locator(".tw-msg-user").last.inner_text().strip().endswith(title), "the chip's title is shown, not the payload"
    msg = answer_with_quotes(page)
    assert {"tk-022", "tk-023"} & set(msg.locator(".tw-quote").evaluate_all("els => els.map(e => e.dataset.norm)"))
    shots(page, "chip-answer")

    # the welcome suggestions are chips too
    page.locator(".tw-menu-btn").click()
    page.locator(".tw-new").click()
    suggestion = page.locator(".tw-welcome .tw-chip").first
    before = bot_count(page)
    suggestion.click()
    wait_reply(page, before)
    shots(page, "suggestion-answer")
    assert_clean(page, web.url)


@pytest.mark.parametrize(("path", "question", "note"), [
    ("/ru", "сколько времени есть чтобы подать в суд на восстановление на работе", "№ 88-НП"),
    ("/", "жұмысқа қайта алу туралы сотқа қанша уақыт ішінде жүгінуге болады", "№ 88-НҚ"),
], ids=["ru", "kk"])
def test_time_limits_quote_art_160_with_the_court_notes(page, web, path, question, note, shots) -> None:  # noqa: ANN001
    """A time limit is never stated without TK art. 160's Constitutional Court notes, verbatim: in
    the first reply and in the norms in full (every paragraph the topic rests on)."""
    open_demo(page, web.url, path)
    page.locator(".tw-launcher").click()
    ask(page, question)
    msg = answer_with_quotes(page)
    assert note in msg.locator(".tw-quote[data-norm='tk-160'] .tw-norm").first.inner_text()
    press_more(page, msg, "law")
    law = last_bot(page)
    norms = law.locator(".tw-quote").evaluate_all("els => els.map(e => e.dataset.norm)")
    assert "tk-160" in norms
    assert note in law.locator(".tw-quote[data-norm='tk-160'] .tw-norm").first.inner_text()
    shots(page, f"time-limits-{path.strip('/') or 'kk'}")


# ---------------------------------------------------------------- 4. reload
def test_conversation_survives_a_reload(page, web, shots) -> None:  # noqa: ANN001
    open_demo(page, web.url, "/ru")
    page.locator(".tw-launcher").click()
    ask(page, "сәлем")
    ask(page, "женщинам платят меньше чем мужчинам")
    msg = answer_with_quotes(page)
    msg.locator(".tw-vote-btn[data-vote=not_helpful]").click()
    page.wait_for_function(f"() => {ROOT_JS}.querySelector('.tw-vote-status').textContent.length > 0")
    press_more(page, msg, "steps")  # a "more" button: the history shows its title, not its payload
    cid = storage(page)["key"]
    users_before = page.locator(".tw-msg-user").all_inner_texts()
    assert not any("show_more" in u for u in users_before)
    bots_before = bot_count(page)
    cards_before = page.locator(".tw-quote").count()
    bubbles_before = page.locator(".tw-msg-bot:not(.tw-welcome) .tw-bubble").all_inner_texts()
    shots(page, "before-reload")

    page.reload()
    wait_ready(page)
    # the panel was open: it is open again, and the history is restored from the server
    page.wait_for_function(f"n => {ROOT_JS}.querySelectorAll('.tw-msg-bot:not(.tw-welcome)').length >= n", arg=bots_before)
    assert page.locator(".tw-panel").is_visible()
    assert storage(page)["key"] == cid
    assert page.locator(".tw-msg-user").all_inner_texts() == users_before
    assert bot_count(page) == bots_before
    assert page.locator(".tw-quote").count() == cards_before
    assert page.locator(".tw-msg-bot:not(.tw-welcome) .tw-bubble").all_inner_texts() == bubbles_before  # rendered the same
    assert page.locator(".tw-msg-bot:has(.tw-quote)").first.locator(".tw-vote-btn[data-vote=not_helpful]").get_attribute("aria-pressed") == "true"
    shots(page, "after-reload")

    # it goes on in the same conversation
    ask(page, "спасибо")
    assert storage(page)["key"] == cid
    assert_clean(page, web.url)


# ---------------------------------------------------------------- 5. new conversation, delete my conversation
def test_new_conversation_and_delete(page, web, assistant, shots) -> None:  # noqa: ANN001
    open_demo(page, web.url, "/")
    page.locator(".tw-launcher").click()
    ask(page, "жұмыс беруші әйелдерге ерлерден аз жалақы төлейді")
    first = storage(page)["key"]
    page.locator(".tw-menu-btn").click()
    assert page.locator(".tw-menu-btn").get_attribute("aria-expanded") == "true"
    shots(page, "menu")
    page.locator(".tw-new").click()
    assert page.locator(".tw-msg").count() == 1 and page.locator(".tw-welcome").count() == 1
    assert storage(page).get("key") is None
    assert db_rows(assistant.db_url, "events", sender_of(first)), "a new conversation does not delete the old one"
    shots(page, "new-conversation")

    ask(page, "жүкті болғаным үшін жұмысқа алмады")
    second = storage(page)["key"]
    assert second != first
    answer_with_quotes(page).locator(".tw-vote-btn[data-vote=helpful]").click()
    page.wait_for_function(f"() => {ROOT_JS}.querySelector('.tw-vote-status').textContent.length > 0")
    assert db_rows(assistant.db_url, "events", sender_of(second)) and db_rows(assistant.db_url, "tendik_feedback", sender_of(second))

    page.locator(".tw-menu-btn").click()
    page.locator(".tw-delete").click()
    confirm = page.locator(".tw-confirm")
    assert confirm.is_visible()
    shots(page, "confirm-delete")
    page.locator(".tw-confirm-no").click()
    assert confirm.is_hidden() and db_rows(assistant.db_url, "events", sender_of(second)), "cancel keeps everything"
    page.locator(".tw-delete").click()
    page.locator(".tw-confirm-yes").click()
    page.locator(".tw-msg-ok").wait_for()
    assert page.locator(".tw-msg-ok").inner_text().strip().endswith(web_text("deleted", "kk"))
    shots(page, "deleted")
    assert db_rows(assistant.db_url, "events", sender_of(second)) == []
    assert db_rows(assistant.db_url, "tendik_feedback", sender_of(second)) == []
    assert storage(page).get("key") is None
    assert page.locator(".tw-msg-user").count() == 0
    page.reload()
    wait_ready(page)
    assert page.locator(".tw-msg-user").count() == 0, "nothing comes back after a reload"
    assert_clean(page, web.url)


def test_two_tabs_share_the_conversation_and_its_deletion(context, web, assistant, shots) -> None:  # noqa: ANN001
    """Two tabs of the same site: one conversation; deleting it in one tab clears the other, so the
    other tab cannot write into the deleted conversation again."""
    first, second = context.new_page(), context.new_page()
    open_demo(first, web.url, "/ru")
    first.locator(".tw-launcher").click()
    ask(first, "привет")
    cid = storage(first)["key"]
    open_demo(second, web.url, "/ru")
    assert second.locator(".tw-panel").is_visible(), "the panel was left open: it opens again on the next page"
    second.wait_for_function(f"() => {ROOT_JS}.querySelectorAll('.tw-msg-user').length === 1")
    shots(second, "second-tab-same-conversation")
    second.locator(".tw-menu-btn").click()
    second.locator(".tw-delete").click()
    second.locator(".tw-confirm-yes").click()
    second.locator(".tw-msg-ok").wait_for()
    first.wait_for_function(f"() => {ROOT_JS}.querySelectorAll('.tw-msg-user').length === 0")
    shots(first, "first-tab-cleared")
    assert db_rows(assistant.db_url, "events", sender_of(cid)) == []
    ask(first, "привет")
    assert storage(first)["key"] != cid
    assert db_rows(assistant.db_url, "events", sender_of(cid)) == [], "the deleted conversation stays deleted"


# ---------------------------------------------------------------- 6. keyboard only
def test_keyboard_only(page, web, shots) -> None:  # noqa: ANN001
    open_demo(page, web.url, "/")
    for _ in range(40):
        page.keyboard.press("Tab")
        if "tw-launcher" in active(page).get("cls", ""):
            break
    else:
        pytest.fail("Tab never reached the chat button")
    ring = focus_ring(page)
    assert ring["visible"] and (ring["shadow"] != "none" or ring["outline"] != "none"), ring
    shots(page, "launcher-focused")

    page.keyboard.press("Enter")
    assert page.locator(".tw-panel").is_visible()
    assert active(page)["tag"] == "textarea", "opening puts the focus in the input"
    page.keyboard.type("жүкті болғаным үшін жұмыстан шығарды")
    before = bot_count(page)
    page.keyboard.press("Enter")
    wait_reply(page, before)
    assert active(page)["tag"] == "textarea", "the focus stays in the input while the answer arrives"
    shots(page, "answered")

    # Shift+Tab back into the answer: vote, then a "more" button
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        if active(page).get("vote") == "helpful":
            break
    else:
        pytest.fail("Shift+Tab never reached the vote button")
    ring = focus_ring(page)
    assert ring["visible"] and ring["outline"] != "none" and ring["width"] >= 2, ring
    page.keyboard.press("Space")
    page.wait_for_function(f"() => {ROOT_JS}.activeElement.getAttribute('aria-pressed') === 'true'")
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        if "tw-chip" in active(page).get("cls", ""):
            break
    else:
        pytest.fail("Shift+Tab never reached a more button")
    title = active(page)["text"]
    before = bot_count(page)
    page.keyboard.press("Enter")
    wait_reply(page, before)
    assert page.locator(".tw-msg-user").last.inner_text().strip().endswith(title)
    shots(page, "more-opened-by-keyboard")

    # the header: language toggle and the menu, Escape closes the menu first, then the panel
    for _ in range(80):
        page.keyboard.press("Shift+Tab")
        if "tw-lang" in active(page).get("cls", "") and active(page)["text"] == "РУС":
            break
    else:
        pytest.fail("Shift+Tab never reached the language toggle")
    page.keyboard.press("Enter")
    assert page.locator(".tw-input").get_attribute("placeholder") == "Опишите ситуацию или задайте вопрос"
    page.keyboard.press("Tab")
    assert "tw-menu-btn" in active(page)["cls"]
    page.keyboard.press("Enter")
    assert "tw-new" in active(page)["cls"], "the menu's first item gets the focus"
    shots(page, "menu-by-keyboard")
    page.keyboard.press("Escape")
    assert page.locator(".tw-menu").is_hidden() and "tw-menu-btn" in active(page)["cls"]
    page.keyboard.press("Escape")
    assert page.locator(".tw-panel").is_hidden()
    assert "tw-launcher" in active(page)["cls"], "Escape returns the focus to the chat button"
    shots(page, "closed-by-escape")


# ---------------------------------------------------------------- 7. 360 px wide
def test_360px_wide_screen(browser, web, shots) -> None:  # noqa: ANN001
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        page = ctx.new_page()
        open_demo(page, web.url, "/ru")
        shots(page, "page-360")
        launcher = page.locator(".tw-launcher").bounding_box()
        assert launcher["x"] + launcher["width"] <= 360 and launcher["width"] >= 44, launcher
        page.locator(".tw-launcher").tap()
        box = page.locator(".tw-panel").bounding_box()
        assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 360, 740), box
        shots(page, "panel-360")
        ask(page, "меня уволили когда я была беременна")
        msg = answer_with_quotes(page)
        assert msg.locator(".tw-norm").first.is_visible()
        shots(page, "answer-360")
        fits = page.evaluate(
            f"""() => {{ const r = {ROOT_JS}; const log = r.querySelector('.tw-log');
            const cards = [...r.querySelectorAll('.tw-quote, .tw-quote *, .tw-chip, .tw-vote, .tw-bubble')].map(e => e.getBoundingClientRect());
            return {{logOverflow: log.scrollWidth - log.clientWidth, pageOverflow: document.documentElement.scrollWidth - 360,
                     widest: Math.max(...cards.map(c => c.right))}}; }}"""
        )
        assert fits["logOverflow"] <= 0 and fits["pageOverflow"] <= 0 and fits["widest"] <= 360, fits
        for sel in (".tw-input", ".tw-send", ".tw-close", ".tw-menu-btn", ".tw-lang[data-lang=kk]"):
            b = page.locator(sel).bounding_box()
            assert b and b["x"] >= 0 and b["x"] + b["width"] <= 360 and b["y"] + b["height"] <= 740, (sel, b)
            assert b["width"] >= 24 and b["height"] >= 24, f"{sel}: touch target too small {b}"
        page.locator(".tw-close").tap()
        assert page.locator(".tw-panel").is_hidden()
    finally:
        ctx.close()


# ---------------------------------------------------------------- 8. roles and contrast
TEXT_SELECTORS = [
    ".tw-title", ".tw-subtitle", ".tw-lang[aria-pressed=true]", ".tw-lang[aria-pressed=false]",
    ".tw-welcome .tw-bubble", ".tw-welcome .tw-chip", ".tw-msg-user .tw-bubble", ".tw-msg-bot:not(.tw-welcome) .tw-bubble",
    ".tw-cite-line", ".tw-badge", ".tw-norm", ".tw-note", ".tw-quote a", ".tw-a-title", ".tw-a-disclaimer", ".tw-vote > span",
    ".tw-vote-btn[aria-pressed=false]", ".tw-vote-btn[aria-pressed=true]", ".tw-footer", ".tw-input", ".tw-input::placeholder",
    ".tw-menu-item.tw-new", ".tw-menu-item.tw-danger", ".tw-law-h", ".tw-form .tw-error", ".tw-msg-notice .tw-bubble",
    ".tw-comment label", ".tw-comment-send", ".tw-failed > span", ".tw-retry",
]


def test_aria_roles_and_contrast(page, strict_web, shots) -> None:  # noqa: ANN001
    """Every text of the widget, in every state, has a contrast of at least 4.5:1 (computed from
    the browser's computed styles). Runs on the strict instance (3 chat messages per client) so
    that the fourth message gets a real "too many requests" notice."""
    open_demo(page, strict_web.url, "/ru")
    page.locator(".tw-launcher").click()
    ask(page, "меня притесняют за членство в профсоюзе, профсоюз может меня защищать?")  # the union law: an old edition (the "stale" badge)
    msg = answer_with_quotes(page)
    press_more(page, msg, "law")  # every paragraph, the union law's old edition too
    msg = last_bot(page)
    msg.locator(".tw-vote-btn[data-vote=helpful]").click()
    page.wait_for_function(f"() => [...{ROOT_JS}.querySelectorAll('.tw-vote-status')].pop().textContent.length > 0")
    assert contrasts(page, [".tw-comment-open"])[0]["ratio"] >= 4.5
    msg.locator(".tw-comment-open").click()
    ask(page, "спасибо")  # the third message (the "law" button was the second)
    page.locator(".tw-input").fill("привет")
    page.locator(".tw-input").press("Enter")
    notice = page.locator(".tw-msg-notice")
    notice.wait_for(timeout=REPLY_TIMEOUT * 1000)
    assert "Слишком много запросов подряд" in notice.inner_text()
    assert page.locator(".tw-retry").is_visible(), "a rate-limited message can be sent again later"
    page.locator(".tw-menu-btn").click()
    page.locator(".tw-input").fill("я" * 2100)
    shots(page, "everything-visible")

    roles = page.evaluate(
        f"""() => {{ const r = {ROOT_JS}; const p = r.querySelector('.tw-panel'); const log = r.querySelector('.tw-log');
        return {{dialog: p.getAttribute('role'), labelled: p.getAttribute('aria-labelledby') || p.getAttribute('aria-label'),
                 log: log.getAttribute('role'), live: log.getAttribute('aria-live'), logLabel: log.getAttribute('aria-label'),
                 status: r.querySelector('[role=status]') !== null, alert: r.querySelector('.tw-form .tw-error').getAttribute('role'),
                 clickable: [...r.querySelectorAll('.tw-chip, .tw-vote-btn, .tw-lang, .tw-launcher, .tw-retry')]
                   .map(e => e.tagName), inputLabel: r.querySelector('.tw-input').getAttribute('aria-label'),
                 unlabelled: [...r.querySelectorAll('button')].filter(b => !(b.getAttribute('aria-label') || b.textContent.trim()))
                   .length}}; }}"""
    )
    assert roles["dialog"] == "dialog" and roles["labelled"]
    assert roles["log"] == "log" and roles["live"] == "polite" and roles["logLabel"] == "Сообщения"
    assert roles["status"] and roles["alert"] == "alert"
    assert set(roles["clickable"]) == {"BUTTON"}, "everything clickable is a <button>"
    assert roles["inputLabel"] == "Ваш вопрос" and roles["unlabelled"] == 0

    measured = contrasts(page, TEXT_SELECTORS)
    missing = [m["sel"] for m in measured if m.get("missing")]
    assert not missing, missing
    low = [m for m in measured if m["ratio"] < 4.5]
    assert not low, low


@pytest.mark.parametrize("primary", ["#f5c400", "#7f7f7f", "#000000", "#ffffff", "not-a-colour"])
def test_custom_colours_stay_readable(page, web, sites, primary: str, shots) -> None:  # noqa: ANN001
    site = sites["allowed"]
    site.pages["/colours"] = lambda: host_page(web.url, "Цвета", config=json.dumps({"colors": {"primary": primary}}), hostile=False)
    page.goto(site.origin + "/colours")
    wait_ready(page)
    page.locator(".tw-launcher").click()
    page.locator(".tw-menu-btn").click()
    shots(page, "colours")
    measured = contrasts(page, [".tw-title", ".tw-lang[aria-pressed=true]", ".tw-lang[aria-pressed=false]",
                                ".tw-welcome .tw-chip", ".tw-menu-item.tw-new"])
    assert all(m["ratio"] >= 4.5 for m in measured), measured
    launcher_vs_send = page.evaluate(f"() => [{ROOT_JS}.querySelector('.tw-launcher'), {ROOT_JS}.querySelector('.tw-send')]"
                                     ".map(e => getComputedStyle(e).backgroundColor)")
    assert launcher_vs_send[0] == launcher_vs_send[1]


# ---------------------------------------------------------------- 9. another site: isolation, globals, CORS
def test_style_isolation_and_one_global_on_a_hostile_host_page(page, web, sites, shots) -> None:  # noqa: ANN001
    site = sites["allowed"]
    site.pages["/hostile"] = lambda: host_page(web.url, "Чужой сайт", hostile=True, load_widget=False)
    page.goto(site.origin + "/hostile")
    snapshot_js = """() => {
        const pick = el => { const s = getComputedStyle(el);
          return [s.fontFamily, s.color, s.backgroundColor, s.fontSize, s.margin, s.padding, s.lineHeight, s.display, s.width]; };
        return {styles: ['body', '#h', '#p', '#b', '#box'].map(q => pick(document.querySelector(q))),
                sheets: document.styleSheets.length, globals: Object.getOwnPropertyNames(window).sort(),
                bodyChildren: document.body.children.length, htmlClass: document.documentElement.className,
                bodyStyle: document.body.getAttribute('style')}; }"""
    before = page.evaluate(snapshot_js)
    page.evaluate(f"""() => {{ const s = document.createElement('script'); s.src = '{web.url}/widget/tendik-widget.js';
                      s.dataset.language = 'ru'; document.body.appendChild(s); }}""")
    wait_ready(page)
    after = page.evaluate(snapshot_js)
    assert after["styles"] == before["styles"], "the widget changed the host page's styles"
    assert after["sheets"] == before["sheets"], "the widget added a stylesheet to the host page"
    assert set(after["globals"]) - set(before["globals"]) == {"TendikWidget"}
    assert after["bodyChildren"] == before["bodyChildren"] + 2  # the script tag and <tendik-widget>
    assert (after["htmlClass"], after["bodyStyle"]) == (before["htmlClass"], before["bodyStyle"])

    page.locator(".tw-launcher").click()
    shots(page, "hostile-page-open")
    look = page.evaluate(
        f"""() => {{ const r = {ROOT_JS}; const s = q => getComputedStyle(r.querySelector(q));
        return {{launcherBg: s('.tw-launcher').backgroundColor, launcherW: s('.tw-launcher').width,
                 font: s('.tw-welcome .tw-bubble').fontFamily, color: s('.tw-welcome .tw-bubble').color,
                 spacing: s('.tw-welcome .tw-bubble').letterSpacing, transform: s('.tw-chip').textTransform,
                 chipBg: s('.tw-chip').backgroundColor, menuDisplay: s('.tw-menu').display,
                 size: s('.tw-welcome .tw-bubble').fontSize, svgW: s('.tw-send svg').width}}; }}"""
    )
    assert look["launcherBg"] == "rgb(15, 93, 140)" and look["launcherW"] == "60px", look
    assert "Comic" not in look["font"] and look["color"] == "rgb(27, 31, 36)", look
    assert look["spacing"] == "normal" and look["transform"] == "none" and look["chipBg"] == "rgb(255, 255, 255)", look
    assert look["menuDisplay"] == "none" and look["size"] == "15px" and look["svgW"] == "20px", look

    # the chat works across origins (this origin is in TENDIK_WEB_ALLOWED_ORIGINS)
    ask(page, "меня уволили когда я была беременна")
    assert answer_with_quotes(page).locator(".tw-quote").count() >= 1
    shots(page, "cross-origin-answer")
    assert page.problems == [], page.problems


def test_refused_origin_is_told_politely(page, web, assistant, sites, shots) -> None:  # noqa: ANN001
    site = sites["foreign"]
    site.pages["/embed"] = lambda: host_page(web.url, "Не разрешённый сайт", hostile=False)
    page.goto(site.origin + "/embed")
    wait_ready(page)
    page.locator(".tw-launcher").click()
    page.locator(".tw-input").fill("меня уволили когда я была беременна")
    page.locator(".tw-input").press("Enter")
    notice = page.locator(".tw-msg-notice")
    notice.wait_for(timeout=REPLY_TIMEOUT * 1000)
    assert "Не удалось связаться с сервисом" in notice.inner_text()
    assert page.locator(".tw-failed").is_visible() and page.locator(".tw-retry").is_visible()
    shots(page, "refused-origin")
    cid = storage(page)["key"]
    assert db_rows(assistant.db_url, "events", sender_of(cid)) == [], "the refused origin never reached Rasa"


# ---------------------------------------------------------------- 10. text is never HTML
def test_user_and_bot_text_is_never_html(page, web, shots) -> None:  # noqa: ANN001
    open_demo(page, web.url, "/ru")
    page.locator(".tw-launcher").click()
    evil = '<img src=x onerror="window.__xss=1"><b>жирный</b> https://example.kz/a?b=1 javascript:alert(1)'
    ask(page, evil)
    shots(page, "markup-as-text")
    bubble = page.locator(".tw-msg-user .tw-bubble").last
    shown = bubble.evaluate("b => b.textContent")
    assert shown == evil.replace("https://example.kz/a?b=1", "https://example.kz/a?b=1 (откроется в новой вкладке)")
    found = page.evaluate(
        f"""() => {{ const r = {ROOT_JS}; return {{img: r.querySelectorAll('.tw-log img, .tw-log b').length, xss: window.__xss === 1,
            links: [...r.querySelectorAll('a')].map(a => [a.getAttribute('href'), a.target, a.rel])}}; }}"""
    )
    assert found["img"] == 0 and not found["xss"], found
    assert found["links"] and all(h.startswith(("https://", "http://")) and t == "_blank" and r == "noopener noreferrer"
                                  for h, t, r in found["links"]), found["links"]
    assert ["https://example.kz/a?b=1", "_blank", "noopener noreferrer"] in found["links"]


def test_open_button_on_the_host_page_and_input_limits(page, web, shots) -> None:  # noqa: ANN001
    open_demo(page, web.url, "/")
    page.locator("main [data-tendik-open]").first.click()
    assert page.locator(".tw-panel").is_visible()
    box = page.locator(".tw-input")
    box.press("Enter")
    assert page.locator(".tw-form .tw-error").inner_text() == "Алдымен сұрағыңызды жазыңыз."
    box.fill("а" * 2001)
    assert "2000" in page.locator(".tw-form .tw-error").inner_text() and box.get_attribute("aria-invalid") == "true"
    assert page.locator(".tw-counter").inner_text() == "2001 / 2000 таңба"
    box.press("Enter")
    assert page.locator(".tw-msg-user").count() == 0, "an over-long message is not sent"
    shots(page, "too-long")
    box.fill("")
    box.type("a")
    assert page.locator(".tw-form .tw-error").inner_text() == "" and box.get_attribute("aria-invalid") == "false"
    assert bot_count(page) == 0
