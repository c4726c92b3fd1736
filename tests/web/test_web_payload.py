"""The widget service passes the typed answer payload's structure to the widget (no service
running): every kk/ru answer and view composed by tendik.compose from the real knowledge base
arrives as sections, citations and buttons; an answer in parts is voted on once; a pressed button
is shown by its title in the history (never as raw JSON); garbage payloads never crash."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import insert

from tendik.common import events as tracker
from tendik.common.buttons import show_more_payload
from tendik.common.db import make_engine
from tendik.common.feedback import record_vote
from tendik.common.rasa_client import BotMessage, parse_reply
from tendik.compose import VIEWS, SituationState, short_topic_answer, situation_answer, view_answer
from tendik.db.migrate import ensure_schema
from tendik.knowledge.explanations import load_knowledge
from tendik.knowledge.situations import load_situations
from tendik.texts import text as catalog_text
from tendik.web.history import conversation
from tendik.web.present import button_title, message_json, messages_json

pytestmark = pytest.mark.unit  # no services: `make test-unit`

KB = load_knowledge()
SK = load_situations()


def answers(lang: str):  # noqa: ANN201
    topics = list(KB.explanations.values())
    for exp, other in zip(topics, [*topics[1:], topics[0]], strict=True):
        yield short_topic_answer(KB, exp, lang)
        yield short_topic_answer(KB, exp, lang, also=other)  # a second reading: its line and its button
        for view in VIEWS:
            yield view_answer(KB, SK, exp, view, lang)
    yield situation_answer(KB, SK, SituationState(grounds=("pregnancy",), stage="dismissal"), lang)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_answer_reaches_the_widget_as_its_structure(lang: str) -> None:
    for p in answers(lang):
        reply = parse_reply(json.loads(json.dumps([
            {"text": p.plain_text(), "buttons": [b.to_dict() for b in p.buttons]}, {"custom": p.to_dict()}])))
        shown = messages_json(reply)
        assert len(shown) == 1
        m = shown[0]
        assert m["answer"]["sections"] == [s.to_dict() for s in p.sections]
        assert m["answer"]["citations"] == [c.to_dict() for c in p.citations]
        assert m["buttons"] == [b.to_dict() for b in p.buttons]
        assert (m["answer"]["view"], m["answer"]["topic"], m["answer"]["lang"]) == (p.view, p.topic, lang)
        assert m["answer"]["answer_id"] == p.answer_id and m["answer"]["vote"] is None
        assert "segments" not in m  # nothing is cut out of a text any more
        for s in m["answer"]["sections"]:
            assert all(0 <= i < len(m["answer"]["citations"]) for i in s["citations"])


def test_an_answer_in_parts_is_voted_on_once_under_its_last_part() -> None:
    p = view_answer(KB, SK, KB.explanations["exp-equal-pay"], "full", "ru")
    parts = []
    for n in range(3):
        d = p.to_dict()
        d["sections"] = d["sections"][n : n + 1]
        d["answer_id"] = p.answer_id if n == 0 else f"{p.answer_id}-{n + 1}"
        parts.append(BotMessage(text="", answer=d))
    shown = messages_json(parts, {p.answer_id: "helpful"})
    assert [m["answer"]["answer_id"] for m in shown] == [None, None, p.answer_id]
    assert [m["answer"]["vote"] for m in shown] == [None, None, "helpful"]
    assert all(m["text"] for m in shown)  # a part without text gets its plain text (for clients that show only text)


def test_button_titles_in_the_history() -> None:
    law = show_more_payload("law", "exp-equal-pay")
    assert button_title(law, {law: "📖 Нормы полностью"}, "ru") == "📖 Нормы полностью"
    assert button_title(law, {}, "kk") == catalog_text("answer.button.law", "kk")
    assert button_title(show_more_payload("steps", "exp-x"), {}, "ru") == catalog_text("answer.button.steps", "ru")
    assert button_title(show_more_payload("law", "exp-x", 2), {}, "ru") == catalog_text("answer.button.law_next", "ru")
    assert button_title("/ask_equal_pay", {"/ask_equal_pay": "Равная оплата"}, "ru") == "Равная оплата"
    for hidden in ("/ask_equal_pay", '/show_more{"view":"nope","topic":"exp-x"}', '/show_more{"view":"law"', "/x{}"):
        assert button_title(hidden, {}, "ru") is None, hidden
    for typed in ("меня уволили", "/ не команда", "{json}", "/show_more и ещё текст {"):
        assert button_title(typed, {}, "ru") == typed


def _store(tmp_path: Path, rows: list[tuple[str, dict]]) -> str:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = make_engine(url)
    ensure_schema(engine)
    tracker.events.metadata.create_all(engine)
    with engine.begin() as conn:
        for n, (kind, data) in enumerate(rows):
            conn.execute(insert(tracker.events).values(sender_id="web-abc", type_name=kind, timestamp=time.time() + n,
                                                        data=json.dumps({"event": kind, **data}, ensure_ascii=False)))
    return url


def test_history_shows_structures_titles_and_votes(tmp_path: Path) -> None:
    first = short_topic_answer(KB, KB.explanations["exp-equal-pay"], "ru")
    law = view_answer(KB, SK, KB.explanations["exp-equal-pay"], "law", "ru")
    legacy = {"type": "tendik_answer", "answer_id": "0123abcd", "knowledge_ids": ["tk-006"],
              "citations": [{"norm_id": "tk-006", "citation": "статья 6", "edition": "ред.", "text": "Норма"}]}
    meta = {"metadata": {"language": "ru", "channel": "web"}}
    url = _store(tmp_path, [
        ("user", {"text": "женщинам платят меньше", **meta}),
        ("bot", {"text": first.plain_text(), "data": {"buttons": [b.to_dict() for b in first.buttons], "custom": first.to_dict()}}),
        ("user", {"text": first.buttons[0].payload, **meta}),  # the "law" button
        ("bot", {"text": law.plain_text(), "data": {"buttons": [b.to_dict() for b in law.buttons], "custom": law.to_dict()}}),
        ("user", {"text": "/ask_something_nobody_offered", **meta}),
        ("bot", {"text": "Старый ответ", "data": {"custom": legacy}}),
        ("user", {"text": show_more_payload("steps", "exp-equal-pay"), **meta}),  # offered long ago: its view's title
        ("bot", {"text": "Сәлем", "data": {"custom": {"type": "tendik_answer", "sections": 5, "buttons": {"x": 1}}}}),
    ])
    engine = make_engine(url)
    record_vote(engine, "web-abc", law.answer_id, "not_helpful", "web", "ru")
    shown = conversation(engine, "web-abc")["messages"]
    users = [m["text"] for m in shown if m["role"] == "user"]
    assert users == ["женщинам платят меньше", first.buttons[0].title, catalog_text("answer.button.steps", "ru")]
    assert not any("{" in u or u.startswith("/") for u in users)
    bots = [m for m in shown if m["role"] == "bot"]
    assert bots[0]["answer"]["sections"] == [s.to_dict() for s in first.sections]
    assert bots[1]["answer"]["vote"] == "not_helpful" and bots[1]["answer"]["view"] == "law"
    assert "sections" not in bots[2]["answer"] and bots[2]["answer"]["citations"][0]["text"] == "Норма"  # old: text + cards
    assert bots[3]["text"] == "Сәлем" and "answer" not in bots[3]  # garbage payload: its text


GARBAGE = [
    {"type": "tendik_answer", "sections": 5},
    {"type": "tendik_answer", "sections": [{"kind": "law", "citations": [3, -1, "x", None]}], "citations": "x"},
    {"type": "tendik_answer", "sections": [{"kind": "steps", "items": [{"a": [1, {"b": 2}]}]}], "buttons": [[], 1, {"title": 2}]},
    {"type": "tendik_answer", "answer_id": ["x"], "knowledge_ids": {"a": 1}, "citations": [{"text": ["deep", ["er"]]}]},
    {"type": "tendik_answer", "sections": [{"kind": "title", "text": "x"}], "answer_id": "ab12cd34-2x", "knowledge_ids": ["k"]},
]


@pytest.mark.parametrize("custom", GARBAGE)
def test_garbage_payloads_never_crash(custom: dict) -> None:
    m = message_json(BotMessage(text="текст", answer=custom))
    json.dumps(m)  # still JSON for the widget
    assert m["text"] == "текст"
    for s in (m.get("answer") or {}).get("sections", []):
        assert all(isinstance(i, int) and 0 <= i < len(m["answer"]["citations"]) for i in s["citations"])
        assert all(isinstance(x, str) for x in s["items"])
