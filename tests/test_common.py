"""bot/common: the database shared with Rasa (SQLite and PostgreSQL), votes, delete-my-data,
and the Rasa REST client against the real assistant and against a closed port."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from tendik.common import feedback
from tendik.common.db import delete_user_data, make_engine
from tendik.common.rasa_client import RasaClient, RasaUnavailable, parse_reply
from tendik.db.migrate import ensure_schema
from tests.conftest import free_port

RASA_EVENTS = """CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,
timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"""


def _exercise_store(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(RASA_EVENTS.replace("INTEGER PRIMARY KEY", "SERIAL PRIMARY KEY" if "postgresql" in url else "INTEGER PRIMARY KEY")))
        for sender in ("alice", "bob"):
            conn.execute(text("INSERT INTO events (sender_id, type_name, data) VALUES (:s, 'user', '{}')"), {"s": sender})
    ensure_schema(engine)
    feedback.record_vote(engine, "alice", "a" * 32, "helpful", "web", "ru")
    feedback.record_vote(engine, "alice", "a" * 32, "not_helpful", "web", "ru")  # changes the vote, no second row
    assert feedback.record_comment(engine, "alice", "a" * 32, "не то, мой телефон +7 701 123 45 67")
    feedback.record_vote(engine, "bob", "b" * 32, "helpful", "telegram", "kk")
    votes = feedback.votes_for(engine, "alice")
    assert [(v["vote"], v["comment"]) for v in votes] == [("not_helpful", "не то, мой телефон [PHONE]")]
    with pytest.raises(ValueError):
        feedback.record_vote(engine, "alice", "c" * 32, "maybe", "web")

    assert delete_user_data(engine, "alice") == {"events": 1, "tendik_feedback": 1}
    assert feedback.votes_for(engine, "alice") == []
    assert len(feedback.votes_for(engine, "bob")) == 1
    with engine.connect() as conn:
        assert conn.execute(text("SELECT sender_id FROM events")).scalars().all() == ["bob"]
    assert delete_user_data(engine, "nobody") == {}
    engine.dispose()


def test_store_on_sqlite(tmp_path) -> None:
    _exercise_store(f"sqlite:///{tmp_path / 'db' / 'tracker.db'}")


def test_store_on_postgresql(pg_url: str) -> None:
    _exercise_store(pg_url)


def test_parse_reply_attaches_the_answer_payload_to_its_text() -> None:
    messages = parse_reply(
        [
            {"recipient_id": "u", "text": "answer text"},
            {"recipient_id": "u", "custom": {"type": "tendik_answer", "answer_id": "x1", "knowledge_ids": ["tk-006"],
                                             "citations": [{"norm_id": "tk-006", "citation": "статья 6", "edition": "ред.", "text": "…"}]}},
            {"recipient_id": "u", "text": "choose", "buttons": [{"title": "A", "payload": "/ask_equal_pay"}, {"title": "bad"}]},
        ]
    )
    assert [m.text for m in messages] == ["answer text", "choose"]
    assert messages[0].is_legal_answer and messages[0].answer_id == "x1"
    assert messages[0].citations[0].norm_id == "tk-006"
    assert [b.payload for b in messages[1].buttons] == ["/ask_equal_pay"]
    with pytest.raises(RasaUnavailable):
        parse_reply({"not": "a list"})


def test_client_against_the_real_assistant(assistant) -> None:
    async def talk() -> list:
        client = RasaClient(assistant.rasa_url, timeout=120)
        try:
            assert await client.is_up()
            return await client.send("common-client-1", "жүкті болғаным үшін жұмысқа алмады", language="kk", channel="web")
        finally:
            await client.close()

    messages = asyncio.run(talk())
    legal = [m for m in messages if m.is_legal_answer]
    assert legal and legal[0].answer_id and len(legal[0].answer_id) == 32
    assert "tk-025" in {c.norm_id for c in legal[0].citations}
    assert "Еңбек кодексінің" in legal[0].text


def test_client_raises_when_rasa_is_down() -> None:
    async def talk() -> None:
        client = RasaClient(f"http://127.0.0.1:{free_port()}", timeout=5)
        try:
            assert not await client.is_up()
            await client.send("nobody", "привет")
        finally:
            await client.close()

    with pytest.raises(RasaUnavailable):
        asyncio.run(talk())


def test_votes_table_has_the_sender_column_delete_relies_on(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 't.db'}")
    ensure_schema(engine)
    with engine.connect() as conn:
        columns = [row[1] for row in conn.execute(text("PRAGMA table_info(tendik_feedback)"))]
    assert "sender_id" in columns
