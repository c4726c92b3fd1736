"""The widget renders the typed answer payload in headless Chromium at 360 px, before any service
is involved: the page, the widget bundle and the API are served by Playwright from this process,
and the API's replies are real answers composed by tendik.compose from the knowledge base and put
through the service's own ``messages_json``. Covers: sections rendered (title, lead, one quoted
paragraph under its citation and edition, numbered steps, the disclaimer), the "more" buttons as
quick replies that send their payload as the message while the user's bubble shows the title, the
law view with every paragraph, nothing wider than the screen, text never rendered as HTML, and
garbage payloads shown without a page error. (The same through the real service and assistant:
test_web_browser.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from web_browser import ROOT_JS, wait_ready, wait_reply

from tendik.common.buttons import parse_show_more
from tendik.common.rasa_client import parse_reply
from tendik.compose import short_topic_answer, view_answer
from tendik.knowledge.explanations import load_knowledge
from tendik.knowledge.situations import load_situations
from tendik.payload import AnswerPayload
from tendik.texts import text as catalog_text
from tendik.web.assets import WIDGET
from tendik.web.present import messages_json

KB = load_knowledge()
SK = load_situations()
ORIGIN = "http://widget.test"
PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title></head>
<body><h1>Host</h1><script src="/widget/tendik-widget.js" defer data-language="{lang}"></script></body></html>"""
EVIL = '<img src=x onerror="window.__xss=1"><b>жирный</b> & «кавычки»'
GARBAGE = [
    {"type": "tendik_answer", "sections": 5, "answer_id": "ab12cd34ef", "knowledge_ids": ["x"]},
    {"type": "tendik_answer", "sections": [None, 7, "x", {"kind": "law", "citations": [5, -1, "0", 0.5]}, {"kind": "steps", "items": [[1], {"a": 2}]},
                                           {"kind": "title", "text": {"x": 1}}], "citations": [None, {"text": ["a"]}]},
    {"type": "tendik_answer", "sections": [{"kind": "law", "citations": [0]}],
     "citations": [{"citation": EVIL, "edition": EVIL, "text": EVIL, "source_url": "javascript:window.__xss=2"}]},
]


def as_rest(p: AnswerPayload) -> list[dict]:
    return [{"text": p.plain_text(), "buttons": [b.to_dict() for b in p.buttons]}, {"custom": p.to_dict()}]


class FakeApi:
    """The widget service's API answered from this process (what the real service would send for
    these Rasa replies); records what the widget sent."""

    def __init__(self, lang: str, topic: str) -> None:
        self.lang, self.topic = lang, topic
        self.sent: list[str] = []

    def reply(self, message: str) -> list[dict]:
        more = parse_show_more(message)
        exp = KB.explanations[self.topic]
        if message == "garbage":
            rest = [{"text": "Ответ текстом"}, {"custom": GARBAGE[0]}, {"text": "Второй"}, {"custom": GARBAGE[1]},
                    {"text": "Третий"}, {"custom": GARBAGE[2]}]
        elif message == "evil":
            p = short_topic_answer(KB, exp, self.lang)
            p.sections[0].text = EVIL
            p.sections[1].text = EVIL
            p.buttons[0].title = EVIL
            rest = as_rest(p)
        elif message == "also":  # a question between two topics: the second one's line and button
            rest = as_rest(short_topic_answer(KB, exp, self.lang, also=KB.explanations[ALSO]))
        elif message.startswith("/ask_"):
            rest = as_rest(short_topic_answer(KB, KB.explanations[ALSO], self.lang))
        elif more:
            rest = as_rest(view_answer(KB, SK, KB.explanations[more.topic], more.view, self.lang, page=more.page or 1))
        else:
            rest = as_rest(short_topic_answer(KB, exp, self.lang))
        return messages_json(parse_reply(json.loads(json.dumps(rest))))

    def handle(self, route) -> None:  # noqa: ANN001
        url = route.request.url
        if url.endswith("/widget/tendik-widget.js"):
            route.fulfill(status=200, content_type="application/javascript", body=Path(WIDGET).read_text(encoding="utf-8"))
        elif url.endswith("/api/chat"):
            body = json.loads(route.request.post_data or "{}")
            self.sent.append(body.get("message"))
            route.fulfill(status=200, content_type="application/json",
                          body=json.dumps({"language": self.lang, "messages": self.reply(body.get("message", ""))}))
        elif url.endswith("/api/history"):
            route.fulfill(status=200, content_type="application/json", body=json.dumps({"language": None, "messages": []}))
        elif "/api/" in url:
            route.fulfill(status=200, content_type="application/json", body=json.dumps({"ok": True, "message": "ok"}))
        else:
            route.fulfill(status=200, content_type="text/html", body=PAGE.format(lang=self.lang))


@pytest.fixture()
def small(browser):  # noqa: ANN001, ANN201
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True)
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    yield page
    ctx.close()


def start(page, api: FakeApi) -> None:  # noqa: ANN001
    page.route(f"{ORIGIN}/**", api.handle)
    page.goto(ORIGIN + "/")
    wait_ready(page)
    page.locator(".tw-launcher").tap()


def ask(page, text: str) -> None:  # noqa: ANN001
    before = page.evaluate(f"{ROOT_JS}.querySelectorAll('.tw-msg-bot:not(.tw-welcome)').length")
    page.locator(".tw-input").fill(text)
    page.locator(".tw-input").press("Enter")
    wait_reply(page, before)


def fits(page) -> dict:  # noqa: ANN001
    return page.evaluate(
        f"""() => {{ const r = {ROOT_JS}; const log = r.querySelector('.tw-log');
        const boxes = [...r.querySelectorAll('.tw-bubble, .tw-bubble *, .tw-chip, .tw-vote')].map(e => e.getBoundingClientRect());
        return {{logOverflow: log.scrollWidth - log.clientWidth, pageOverflow: document.documentElement.scrollWidth - 360,
                 widest: Math.max(...boxes.map(c => c.right)), leftmost: Math.min(...boxes.map(c => c.left))}}; }}"""
    )


def last_bot(page):  # noqa: ANN001, ANN201
    return page.locator(".tw-msg-bot:not(.tw-welcome)").last


@pytest.mark.parametrize(("lang", "topic"), [("ru", "exp-pregnant-dismissal"), ("kk", "exp-equal-pay")])
def test_answer_sections_and_the_law_button_at_360px(small, shots, lang: str, topic: str) -> None:  # noqa: ANN001
    page = small
    api = FakeApi(lang, topic)
    start(page, api)
    ask(page, "вопрос")
    first = short_topic_answer(KB, KB.explanations[topic], lang)
    msg = last_bot(page)
    shots(page, f"first-reply-{lang}")
    title = next(s.text for s in first.sections if s.kind == "title")
    assert msg.locator(".tw-a-title").inner_text() == title
    quotes = msg.locator(".tw-quote")
    assert quotes.count() == 1  # the one quoted paragraph, visible without a tap
    c = first.quoted()[0]
    assert quotes.first.locator(".tw-cite-line").inner_text().startswith(f"{c.citation[:1].upper()}{c.citation[1:]}, {c.edition}")
    assert quotes.first.locator("blockquote").inner_text() == c.text and quotes.first.locator("blockquote").is_visible()
    steps = [i for s in first.sections if s.kind == "steps" for i in s.items]
    assert msg.locator("ol.tw-a-list li").all_inner_texts() == steps
    disclaimer = next(s.text for s in first.sections if s.kind == "disclaimer")
    assert msg.locator(".tw-a-disclaimer").inner_text() == disclaimer
    chips = msg.locator(".tw-chip")
    assert chips.all_inner_texts() == [b.title for b in first.buttons]
    assert msg.locator(".tw-vote-btn").count() == 2
    f = fits(page)
    assert f["logOverflow"] <= 0 and f["pageOverflow"] <= 0 and f["widest"] <= 360 and f["leftmost"] >= 0, f

    # the "law" quick reply: its payload goes to the API as the message, its title is the user's bubble
    before = page.evaluate(f"{ROOT_JS}.querySelectorAll('.tw-msg-bot:not(.tw-welcome)').length")
    chips.first.tap()
    wait_reply(page, before)
    assert api.sent[-1] == first.buttons[0].payload
    assert page.locator(".tw-msg-user").last.inner_text().strip().endswith(first.buttons[0].title)
    assert "show_more" not in page.locator(".tw-msg-user").last.inner_text()
    law = view_answer(KB, SK, KB.explanations[topic], "law", lang)
    msg = last_bot(page)
    shots(page, f"law-view-{lang}")
    assert msg.locator(".tw-quote").count() == len(law.quoted()) >= 1
    assert msg.locator(".tw-quote blockquote").all_inner_texts() == [q.text for q in law.quoted()]
    assert msg.locator(".tw-chip").all_inner_texts() == [b.title for b in law.buttons]
    f = fits(page)
    assert f["logOverflow"] <= 0 and f["pageOverflow"] <= 0 and f["widest"] <= 360, f
    assert page.problems == []


ALSO = "exp-employer-liability"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_second_topic_is_a_line_and_a_quick_reply_at_360px(small, shots, lang: str) -> None:  # noqa: ANN001
    page = small
    api = FakeApi(lang, "exp-equal-pay")
    start(page, api)
    ask(page, "also")
    first = short_topic_answer(KB, KB.explanations["exp-equal-pay"], lang, also=KB.explanations[ALSO])
    [line] = [sec for sec in first.sections if sec.heading == catalog_text("answer.also_topic", lang)]
    msg = last_bot(page)
    shots(page, f"second-topic-{lang}")
    section = msg.locator(".tw-a-see_also").filter(has_text=line.heading)
    assert section.count() == 1 and section.is_visible() and line.text in section.inner_text()
    other = KB.explanations[ALSO].title[lang]
    chip = msg.locator(".tw-chip").filter(has_text=other)
    assert chip.count() == 1
    f = fits(page)
    assert f["logOverflow"] <= 0 and f["pageOverflow"] <= 0 and f["widest"] <= 360 and f["leftmost"] >= 0, f
    before = page.evaluate(f"{ROOT_JS}.querySelectorAll('.tw-msg-bot:not(.tw-welcome)').length")
    chip.tap()
    wait_reply(page, before)
    assert api.sent[-1] == "/ask_employer_liability"  # the topic's intent, as the topic menu sends it
    assert last_bot(page).locator(".tw-a-title").inner_text() == KB.explanations[ALSO].title[lang]
    assert page.problems == []


def test_text_is_never_html_and_garbage_never_breaks_the_widget(small, shots) -> None:  # noqa: ANN001
    page = small
    api = FakeApi("ru", "exp-equal-pay")
    start(page, api)
    ask(page, "evil")
    msg = last_bot(page)
    assert msg.locator(".tw-a-title").inner_text() == EVIL
    assert msg.locator(".tw-chip").first.inner_text() == EVIL
    assert page.evaluate(f"() => {ROOT_JS}.querySelectorAll('.tw-bubble img, .tw-bubble b').length") == 0
    ask(page, "garbage")
    shots(page, "garbage")
    texts = page.locator(".tw-msg-bot:not(.tw-welcome) .tw-bubble").all_inner_texts()
    assert texts[-3].strip() == "Ответ текстом"  # an unreadable payload: its text
    assert "[1]" in texts[-2] and "{'a': 2}" in texts[-2]  # junk items read as strings, shown as text
    assert any(EVIL in t for t in texts)  # the garbage citation's text, shown as text
    assert page.evaluate("() => window.__xss") is None
    assert page.evaluate(f"() => {ROOT_JS}.querySelectorAll('.tw-bubble a[href^=javascript]').length") == 0
    f = fits(page)
    assert f["logOverflow"] <= 0 and f["pageOverflow"] <= 0, f
    assert page.problems == []
