"""Telegram renders the typed answer payload (tendik.payload) from its sections, without a server:
answers composed by tendik.compose from the real knowledge base in Kazakh and Russian, every
message valid Telegram HTML within 4,096 characters, splits only between sections unless one norm
alone is too long, everything escaped, "more" buttons as short checked callback data, and garbage
payloads never crash the renderer."""

from __future__ import annotations

import json
import re

import pytest

from tendik.common.buttons import VIEWS, is_payload, parse_show_more, show_more_payload
from tendik.common.rasa_client import BotMessage, parse_reply
from tendik.compose import VIEWS as COMPOSE_VIEWS
from tendik.compose import SituationState, short_topic_answer, situation_answer, view_answer
from tendik.knowledge.explanations import load_knowledge
from tendik.knowledge.situations import load_situations
from tendik.payload import AnswerPayload, Button, Section
from tendik.telegram.context import CALLBACK_LIMIT, Payloads
from tendik.telegram.conversation import render_reply
from tendik.telegram.html_text import TELEGRAM_LIMIT, utf16_len
from tendik.telegram.keyboards import MoreView, more_callback
from tendik.telegram.render import answer_payload, render_answer, section_blocks
from tendik.texts import text as catalog_text
from tests.fakes.telegram_api import parse_telegram_html

pytestmark = pytest.mark.unit  # no services: `make test-unit`

KB = load_knowledge()
SK = load_situations()
LANGS = ("kk", "ru")


def all_answers(lang: str) -> list[tuple[str, AnswerPayload]]:
    """Every first reply and every view of every topic, and a few situations, in ``lang``."""
    out: list[tuple[str, AnswerPayload]] = []
    topics = list(KB.explanations.values())
    for exp, other in zip(topics, [*topics[1:], topics[0]], strict=True):
        out.append((f"{exp.id}/short", short_topic_answer(KB, exp, lang)))
        out.append((f"{exp.id}/short+{other.id}", short_topic_answer(KB, exp, lang, also=other)))  # a second reading
        for view in VIEWS:
            out.append((f"{exp.id}/{view}", view_answer(KB, SK, exp, view, lang)))
    for grounds, stage, employer in [(("pregnancy",), "dismissal", None), (("sex",), "pay", "too"), ((), "hiring", None),
                                     (("disability", "age"), None, "state")]:
        state = SituationState(grounds=grounds, stage=stage, employer_kind=employer)
        out.append((f"situation/{grounds}/{stage}", situation_answer(KB, SK, state, lang)))
    return out


def visible(messages: list[str]) -> list[str]:
    """Each message as Telegram shows it (the strict parser of the local Bot API server: balanced,
    only Telegram's tags, everything escaped)."""
    return [parse_telegram_html(m) for m in messages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------- real answers
@pytest.mark.parametrize("lang", LANGS)
def test_every_answer_renders_from_its_sections_within_the_limit(lang: str) -> None:
    for name, payload in all_answers(lang):
        messages = render_answer(AnswerPayload.from_dict(payload.to_dict()))  # as read back from Rasa's reply
        assert messages, name
        shown = visible(messages)
        assert all(utf16_len(v) <= TELEGRAM_LIMIT for v in shown), name
        everything = flat(" ".join(shown))
        for c in payload.quoted():
            assert flat(c.text) in everything, (name, c.citation)  # every quoted norm verbatim
            assert flat(c.citation[:1].upper() + c.citation[1:] + ", " + c.edition) in everything, name
        joined = "\n".join(messages)
        assert joined.count("<blockquote>") >= len(payload.quoted()), name
        title = next((s.text for s in payload.sections if s.kind == "title"), None)
        if title:
            assert f"<b>📌 {title}</b>" in joined.replace("&quot;", '"'), name
        for s in payload.sections:
            if s.kind == "steps":
                for n, item in enumerate(s.items, 1):
                    assert flat(f"{n}. {item}") in everything, name
            if s.kind == "disclaimer":
                assert flat(s.text) in everything, name


@pytest.mark.parametrize("lang", LANGS)
def test_first_replies_are_one_message_with_one_quote_and_more_buttons(lang: str) -> None:
    for exp in KB.explanations.values():
        payload = short_topic_answer(KB, exp, lang)
        messages = render_answer(payload)
        assert len(messages) == 1, exp.id
        assert messages[0].count("<blockquote>") == 1, exp.id
        rows = render_reply([BotMessage(text=payload.plain_text(), answer=payload.to_dict())], Payloads(), lang)[-1].markup
        data = [b.callback_data for row in rows.inline_keyboard for b in row]
        assert data[:3] == [f"m:{v}:{exp.id}:" for v in ("law", "steps", "route")], exp.id
        assert data[-2:] == [f"v:h:{payload.answer_id}", f"v:n:{payload.answer_id}"]
        assert all(d.startswith(("m:", "r:", "r#", "lrn:go:")) for d in data[3:-2])  # other features: lessons, the self-check
        titles = [b.text for row in rows.inline_keyboard for b in row][:-2]
        assert titles == [b.title for b in payload.buttons]


def test_a_law_view_is_split_between_quotes_never_inside_one() -> None:
    """With a limit every quote fits in, no quote is cut: each is whole in one message."""
    for exp in KB.explanations.values():
        payload = view_answer(KB, SK, exp, "law", "ru")
        biggest = max(len(b) for s in payload.sections for b in section_blocks(payload, s))
        limit = max(biggest + 10, 600)
        shown = [flat(v) for v in visible(render_answer(payload, limit))]
        assert all(len(v) <= limit for v in shown)
        for c in payload.quoted():
            assert any(flat(c.text) in v for v in shown), (exp.id, c.citation)


def test_a_huge_norm_is_split_at_line_breaks_with_the_quote_reopened() -> None:
    lines = [f"{n}) " + "работник имеет право на равную оплату за равный труд " * 3 for n in range(1, 400)]
    huge = "\n".join(lines)
    payload = AnswerPayload.from_dict({
        "type": "tendik_answer", "lang": "ru",
        "sections": [{"kind": "title", "text": "Огромная норма"}, {"kind": "law", "heading": "Что говорит закон", "citations": [0]},
                     {"kind": "disclaimer", "text": "ℹ️ Это правовая информация."}],
        "citations": [{"norm_id": "x", "citation": "статья 1 Кодекса", "edition": "редакция от 01.01.2026", "text": huge}],
    })
    messages = render_answer(payload)
    assert len(messages) >= len(huge) // TELEGRAM_LIMIT + 1
    shown = visible(messages)
    assert all(utf16_len(v) <= TELEGRAM_LIMIT for v in shown)
    quoted = [m for m in messages if "<blockquote>" in m]
    assert len(quoted) >= 2 and all(m.count("<blockquote>") == m.count("</blockquote>") for m in messages)
    seen = [line.strip() for v in shown for line in v.splitlines() if line.strip()]
    for line in lines:  # every line whole, once, in order
        assert line.strip() in seen
    assert [x for x in seen if re.match(r"\d+\) ", x)] == [line.strip() for line in lines]
    assert shown[0].startswith("📌 Огромная норма") and "Статья 1 Кодекса, редакция от 01.01.2026" in shown[0]
    assert shown[-1].endswith("ℹ️ Это правовая информация.")


def test_everything_from_the_payload_is_escaped() -> None:
    evil = '<b>x</b> & <a href="javascript:alert(1)">y</a> <script>alert(1)</script> &amp; </blockquote>'
    payload = AnswerPayload(
        lang="ru",
        sections=[Section("title", text=evil), Section("situation", heading=evil, text=evil), Section("lead", text=evil),
                  Section("law", heading=evil, citations=[0], notes=[evil]), Section("steps", heading=evil, items=[evil, evil]),
                  Section("route", heading=evil, text=evil), Section("see_also", heading=evil, items=[evil]),
                  Section("note", text=evil), Section("disclaimer", text=evil)],
        citations=[AnswerPayload.from_dict({"type": "tendik_answer", "citations": [
            {"citation": evil, "edition": evil, "text": evil}]}).citations[0]],  # type: ignore[union-attr]
        buttons=[Button(evil, show_more_payload("law", "exp-equal-pay"))],
    )
    messages = render_answer(payload)
    markup = "\n".join(messages)
    assert "<script>" not in markup and "<a " not in markup and "javascript" in markup
    shown = "\n".join(visible(messages))
    assert shown.count(evil) == 18  # each of the 18 fields once, as the user typed it
    out = render_reply([BotMessage(text="", answer={**payload.to_dict(), "knowledge_ids": ["exp-equal-pay"]})], Payloads(), "ru")
    assert out[-1].markup.inline_keyboard[0][0].text == evil  # button titles are not HTML


# ---------------------------------------------------------------- buttons
def test_more_payloads_are_what_compose_writes_and_fit_in_callback_data() -> None:
    assert VIEWS == COMPOSE_VIEWS
    for lang in LANGS:
        for exp in KB.explanations.values():
            for payload in (short_topic_answer(KB, exp, lang), *(view_answer(KB, SK, exp, v, lang) for v in VIEWS)):
                for b in [b for b in payload.buttons if b.payload.startswith("/show_more")]:
                    more = parse_show_more(b.payload)
                    assert more is not None and show_more_payload(more.view, more.topic, more.page) == b.payload
                    data = more_callback(b.payload)
                    assert data is not None and len(data.encode()) <= CALLBACK_LIMIT
                    assert MoreView.unpack(data) == MoreView(view=more.view, topic=more.topic, page=more.page)
                    assert is_payload(b.payload)


def test_pages_of_a_long_view_round_trip() -> None:
    payload = show_more_payload("law", "exp-religion-nationality-language", 12)
    assert payload == '/show_more{"view":"law","topic":"exp-religion-nationality-language","page":12}'
    data = more_callback(payload)
    assert data == "m:law:exp-religion-nationality-language:12" and len(data.encode()) <= CALLBACK_LIMIT
    assert MoreView.unpack(data).page == 12 and parse_show_more(payload).page == 12
    for bad in ('{"view":"law","topic":"exp-x","page":0}', '{"view":"law","topic":"exp-x","page":-1}',
                '{"view":"law","topic":"exp-x","page":true}', '{"view":"law","topic":"exp-x","page":"2"}',
                '{"view":"law","topic":"exp-x","page":100000}', '{"view":"law","topic":"exp-x","page":1.5}'):
        assert parse_show_more("/show_more" + bad) is None, bad


@pytest.mark.parametrize("bad", [
    None, 5, "", "/show_more", "/show_more{", '/show_more{"view":"law"}', '/show_more{"view":"laws","topic":"exp-x"}',
    '/show_more{"view":"law","topic":"exp:x"}', '/show_more{"view":"law","topic":["exp-x"]}', '/show_more["law"]',
    '/show_more{"view":"law","topic":"' + "x" * 400 + '"}', '/ask_equal_pay', 'show_more{"view":"law","topic":"exp-x"}',
    '/show_more{"view":{"a":1},"topic":"exp-x"}', '/show_more' + "[" * 5000,
])
def test_garbage_more_payloads_are_refused(bad: object) -> None:
    assert parse_show_more(bad) is None
    assert more_callback(bad) is None if isinstance(bad, str) else True


@pytest.mark.parametrize("lang", LANGS)
def test_a_second_topics_line_and_button_render_from_the_payload(lang: str) -> None:
    """A reply that also names another topic: its line is shown under its heading, and its button sends that
    topic's intent to Rasa like the topic menu's buttons."""
    first, other = KB.explanations["exp-equal-pay"], KB.explanations["exp-employer-liability"]
    payload = short_topic_answer(KB, first, lang, also=other)
    [also] = [sec for sec in payload.sections if sec.heading == catalog_text("answer.also_topic", lang)]
    [message] = render_answer(AnswerPayload.from_dict(payload.to_dict()))
    shown = flat(visible([message])[0])
    assert flat(also.heading) in shown and flat(also.text) in shown and other.title[lang] in also.text
    out = render_reply([BotMessage(text=payload.plain_text(), answer=payload.to_dict())], Payloads(), lang)
    buttons = [b for row in out[-1].markup.inline_keyboard for b in row]
    assert any(b.text == other.title[lang] and b.callback_data == f"r:/{other.intent}" for b in buttons)


def test_other_rasa_buttons_keep_their_registry_callbacks() -> None:
    payloads = Payloads()
    out = render_reply([BotMessage(text="Темы:", buttons=[
        __import__("tendik.common.rasa_client", fromlist=["Button"]).Button("Равная оплата", "/ask_equal_pay")])], payloads, "ru")
    assert out[0].html == "Темы:"
    assert out[0].markup.inline_keyboard[0][0].callback_data == "r:/ask_equal_pay"


# ---------------------------------------------------------------- old-style and garbage replies
def test_old_style_replies_render_as_text() -> None:
    reply = parse_reply([{"text": "Сәлеметсіз бе! <Теңдік> & Co"},
                         {"text": "Old answer", }, {"custom": {"type": "tendik_answer", "answer_id": "ab12cd34", "knowledge_ids": ["x"]}}])
    out = render_reply(reply, Payloads(), "kk")
    assert [o.html for o in out] == ["Сәлеметсіз бе! &lt;Теңдік&gt; &amp; Co", "Old answer"]
    assert out[1].markup is not None and out[1].markup.inline_keyboard[-1][0].callback_data == "v:h:ab12cd34"


GARBAGE = [
    {"type": "tendik_answer"},
    {"type": "tendik_answer", "sections": 5},
    {"type": "tendik_answer", "sections": "law"},
    {"type": "tendik_answer", "sections": {"kind": "law"}},
    {"type": "tendik_answer", "sections": [None, 1, "x", [], {"kind": None}, {"kind": "law", "citations": [0, 1, -1, "0", True]}]},
    {"type": "tendik_answer", "sections": [{"kind": "law", "citations": [0]}], "citations": [None, "x", 5]},
    {"type": "tendik_answer", "sections": [{"kind": "law", "citations": [0], "notes": [None, {"a": 1}]}],
     "citations": [{"text": {"nested": ["junk"]}, "citation": ["a"], "edition": 5, "source_url": "javascript:alert(1)"}]},
    {"type": "tendik_answer", "sections": [{"kind": "steps", "items": "abc", "heading": ["x"]}], "buttons": 7},
    {"type": "tendik_answer", "sections": [{"kind": "title", "text": "ok"}], "buttons": [None, {"title": "x"}, {"payload": "/x"},
     {"title": ["t"], "payload": {"p": 1}}, {"title": "a", "payload": '/show_more{"view":"law","topic":"exp:bad"}'}]},
    {"type": "tendik_answer", "sections": [{"kind": "lead", "text": "x" * 20000}], "scores": {"a": "b", "c": float("inf")}},
    {"type": "tendik_answer", "answer_id": {"x": 1}, "knowledge_ids": "abc", "situation": [1], "lang": 5, "view": None},
    {"type": "tendik_answer", "sections": [{"kind": "steps", "items": ["<b>", None, 3]}]},
    {"type": "not_ours", "sections": [{"kind": "title", "text": "x"}]},
    {"type": ["tendik_answer"]},
]


@pytest.mark.parametrize("custom", GARBAGE)
def test_garbage_payloads_never_crash(custom: dict) -> None:
    payload = answer_payload(custom)
    if payload is not None:
        assert all(utf16_len(v) <= TELEGRAM_LIMIT for v in visible(render_answer(payload)))
    reply = parse_reply([{"text": "Ответ текстом"}, {"custom": custom}])
    out = render_reply(reply, Payloads(), "ru")
    assert out, custom
    for o in out:
        assert utf16_len(parse_telegram_html(o.html)) <= TELEGRAM_LIMIT
        for row in (o.markup.inline_keyboard if o.markup else []):
            for b in row:
                assert len((b.callback_data or "").encode()) <= CALLBACK_LIMIT
    if payload is None:
        assert parse_telegram_html(out[0].html) == "Ответ текстом"  # not readable: the text is shown


def test_garbage_from_rasa_never_crashes() -> None:
    for raw in ([{"custom": {"type": "tendik_answer", "sections": 5}}], [{"custom": json.loads('{"type": "tendik_answer"}')}],
                [{"text": None, "buttons": "x"}], [{"buttons": [{"payload": '/show_more{"view":"law","topic":"exp-equal-pay"}'}]}]):
        out = render_reply(parse_reply(raw), Payloads(), None)
        for o in out:
            parse_telegram_html(o.html)


def test_an_answer_in_parts_is_voted_on_once_under_its_last_part() -> None:
    exp = KB.explanations["exp-equal-pay"]
    base = view_answer(KB, SK, exp, "full", "ru")
    parts = []
    for n, kind in enumerate(("title", "lead", "disclaimer")):
        d = base.to_dict()
        d["sections"] = [s for s in d["sections"] if s["kind"] == kind]
        d["answer_id"] = base.answer_id if n == 0 else f"{base.answer_id}-{n + 1}"
        d["buttons"] = d["buttons"] if n == 2 else []
        parts.append(BotMessage(text="", answer=d))
    other = short_topic_answer(KB, KB.explanations["exp-job-ads"], "ru")
    out = render_reply([*parts, BotMessage(text="", answer=other.to_dict())], Payloads(), "ru")
    assert len(out) == 4
    data = [[b.callback_data for row in (o.markup.inline_keyboard if o.markup else []) for b in row] for o in out]
    assert data[0] == [] and data[1] == []
    assert data[2][-2:] == [f"v:h:{base.answer_id}", f"v:n:{base.answer_id}"] and data[2][0].startswith("m:")
    assert data[3][-2:] == [f"v:h:{other.answer_id}", f"v:n:{other.answer_id}"]
