"""The one reader of Rasa's ``events`` table (tendik.common.events), on SQLite and on PostgreSQL (a
throw-away cluster): rows in Rasa's exact schema and serialization, including malformed ones; and
its two users read the same rows: the widget's history (tendik.web.history) and the review app's
turns (tendik.review.tracker)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tendik.common import events as tracker
from tendik.common.db import make_engine
from tendik.common.feedback import feedback, record_vote
from tendik.review.tracker import read_turns
from tendik.web import history

ANSWER = {
    "type": "tendik_answer", "answer_id": "a1b2c3", "source": "intent", "knowledge_ids": ["exp-pregnancy"],
    "citations": [{"norm_id": "tk-025", "citation": "статья 25 Трудового кодекса РК", "paragraph": "2", "edition": "ред.",
                   "edition_date": "01.01.2025", "text": "«Беременность»", "text_lang": "ru",
                   "source_url": "javascript:alert(1)", "stale": False}],
    "scores": {},
}


def _row(sender: str, kind: str, data: Any, ts: float | None, intent: str | None = None, action: str | None = None) -> dict:
    raw = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return {"sender_id": sender, "type_name": kind, "timestamp": ts, "intent_name": intent, "action_name": action, "data": raw}


ROWS = [
    _row("s1", "action", {"event": "action", "name": "action_session_start", "timestamp": 100.0}, 100.0, action="action_session_start"),
    _row("s1", "user", {"event": "user", "text": "меня уволили из-за беременности", "timestamp": 101.0,
                        "parse_data": {"intent": {"name": "ask_pregnant_dismissal", "confidence": 0.93}},
                        "metadata": {"language": "ru", "channel": "web"}, "input_channel": "rest"}, 101.0,
         intent="ask_pregnant_dismissal"),
    _row("s2", "user", {"event": "user", "text": "сәлем", "metadata": {"language": "kk"}}, 101.5),
    _row("s1", "action", {"event": "action", "name": "action_answer"}, 102.0, action="action_answer"),
    _row("s1", "slot", {"event": "slot", "name": "language", "value": "ru"}, 102.1),
    _row("s1", "bot", {"event": "bot", "text": "Что говорит закон ...", "data": {"custom": ANSWER}}, 102.2),
    _row("s1", "bot", "{not json", 102.3),  # malformed: skipped
    _row("s1", "bot", "[1, 2]", 102.4),  # not an object: skipped
    _row("s1", "bot", {"event": "bot", "text": "Выберите тему", "data": {
        "buttons": [{"title": "Равная оплата", "payload": "/ask_equal_pay"}, {"title": None, "payload": "/x"}, "garbage"],
        "custom": {"type": "something_else", "answer_id": "zz"}}}, None),  # no timestamp column: taken from data (none: 0)
    _row("s1", "user", {"event": "user", "text": "/ask_equal_pay", "metadata": {"language": "ru"}}, 103.0),
    _row("s2", "bot", {"event": "bot", "text": "Сәлеметсіз бе!", "data": {"buttons": "not a list"}}, 103.5),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'tracker.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    eng = make_engine(url)
    yield eng
    eng.dispose()


@pytest.fixture
def stored(engine: Engine) -> Engine:
    """The events table as Rasa creates it, with ROWS in it, and the votes table."""
    assert not tracker.tracker_exists(engine)
    tracker.events.create(engine)
    feedback.create(engine, checkfirst=True)
    with engine.begin() as conn:
        for row in ROWS:  # one by one: the ids are the insertion order
            conn.execute(tracker.events.insert(), row)
    return engine


def test_a_conversation_in_order_without_malformed_rows(stored: Engine) -> None:
    assert tracker.tracker_exists(stored)
    with stored.connect() as conn:
        evs = tracker.conversation_events(conn, "s1")
        typed = tracker.conversation_events(conn, "s1", types=("user", "bot"))
        assert tracker.conversation_events(conn, "nobody") == []
    assert [e.type for e in evs] == ["action", "user", "action", "slot", "bot", "bot", "user"]
    assert [e.id for e in evs] == sorted(e.id for e in evs)
    assert [e.type for e in typed] == ["user", "bot", "bot", "user"]
    user = evs[1]
    assert (user.text, user.metadata["language"], user.intent, user.ts) == ("меня уволили из-за беременности", "ru", "ask_pregnant_dismissal", 101.0)
    assert evs[0].text == "" and evs[0].metadata == {} and evs[0].action == "action_session_start"
    assert evs[5].ts == 0.0, "no timestamp anywhere: 0, not an error"


def test_bot_messages_with_their_payloads(stored: Engine) -> None:
    with stored.connect() as conn:
        bots = [tracker.bot_reply(e) for e in tracker.conversation_events(conn, "s1", types=("bot",))]
        greeting = tracker.bot_reply(tracker.conversation_events(conn, "s2", types=("bot",))[0])
    answer, menu = bots
    assert answer.answer == ANSWER and answer.custom == ANSWER and answer.buttons == []
    assert menu.text == "Выберите тему" and menu.answer is None and menu.custom == {"type": "something_else", "answer_id": "zz"}
    assert menu.buttons == [{"title": "Равная оплата", "payload": "/ask_equal_pay"}, {"title": "", "payload": "/x"}]
    assert greeting.buttons == [] and greeting.custom is None


def test_incremental_reading_of_every_conversation(stored: Engine) -> None:
    with stored.connect() as conn:
        first = tracker.events_after(conn, 0, 4)
        rest = tracker.events_after(conn, first[-1].id, 100)
        users = tracker.events_after(conn, 0, 100, types=("user",))
        top = tracker.max_event_id(conn)
        senders = set(tracker.senders(conn))
    assert [e.sender_id for e in first] == ["s1", "s1", "s2", "s1"]
    assert len(first) + len(rest) == len(ROWS) - 2, "every well-formed event once, the two malformed ones never"
    assert [e.text for e in users] == ["меня уволили из-за беременности", "сәлем", "/ask_equal_pay"]
    assert top == len(ROWS) and senders == {"s1", "s2"}


def test_whether_an_answer_was_given(stored: Engine) -> None:
    with stored.connect() as conn:
        assert tracker.answer_given(conn, "s1", "a1b2c3")
        assert not tracker.answer_given(conn, "s2", "a1b2c3"), "another conversation's answer"
        assert not tracker.answer_given(conn, "s1", "zz"), "a payload that is not a legal answer"
        assert not tracker.answer_given(conn, "s1", "a1%"), "LIKE wildcards are matched literally"
        assert not tracker.answer_given(conn, "s1", "a1b2c")
        assert not tracker.answer_given(conn, "s1", "")
    assert history.has_answer(stored, "s1", "a1b2c3") and not history.has_answer(stored, "s1", "nope")


def test_the_widget_history_reads_the_same_rows(stored: Engine) -> None:
    record_vote(stored, "s1", "a1b2c3", "helpful", "web", "ru")
    shown = history.conversation(stored, "s1")
    assert shown["language"] == "ru"
    roles = [(m["role"], m["text"]) for m in shown["messages"]]
    assert roles == [("user", "меня уволили из-за беременности"), ("bot", "Что говорит закон ..."), ("bot", "Выберите тему"),
                     ("user", "Равная оплата")], "a pressed button is shown with its title"
    answer = shown["messages"][1]["answer"]
    assert answer["answer_id"] == "a1b2c3" and answer["vote"] == "helpful"
    assert answer["citations"][0]["norm_id"] == "tk-025" and answer["citations"][0]["source_url"] == "", "unsafe link dropped"
    assert shown["messages"][2]["buttons"] == [{"title": "Равная оплата", "payload": "/ask_equal_pay"}]
    assert shown["messages"][3]["payload"] == "/ask_equal_pay"
    assert history.conversation(stored, "nobody") == {"messages": [], "language": None}


def test_the_review_turns_read_the_same_rows(stored: Engine) -> None:
    with stored.connect() as conn:
        turns = read_turns(conn, "s1")
    assert [t.text for t in turns] == ["меня уволили из-за беременности", "/ask_equal_pay"]
    first = turns[0]
    assert first.intent == "ask_pregnant_dismissal" and first.confidence == pytest.approx(0.93)
    assert first.channel == "web" and first.language == "ru" and first.actions == ["action_answer"]
    assert first.answer == ANSWER and [r.text for r in first.replies] == ["Что говорит закон ...", "Выберите тему"]
    assert turns[1].is_payload


def test_no_table_yet(engine: Engine) -> None:
    """Before Rasa's first conversation there is no table: nothing to read, no error."""
    feedback.create(engine, checkfirst=True)  # the project's own tables exist (migrated at start)
    assert not tracker.tracker_exists(engine)
    assert history.conversation(engine, "s1")["messages"] == [] and not history.has_answer(engine, "s1", "a")
