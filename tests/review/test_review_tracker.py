"""The tracker-store reader and the incremental index, on SQLite (the assistant's real store) and
on a real PostgreSQL (the real Rasa server writing to it)."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from review_support import answer_of, say
from sqlalchemy import func, select, text

from tendik.common.db import make_engine
from tendik.ops.services import Services
from tendik.review import queries
from tendik.review import tables as t
from tendik.review.sync import sync
from tendik.review.tracker import read_turns
from tests.conftest import free_port


def _turns(db_url: str, sender: str):
    engine = make_engine(db_url)
    with engine.connect() as conn:
        return read_turns(conn, sender)


def test_reader_parses_real_turns_on_sqlite(review_data):
    turns = _turns(review_data.db_url, review_data.senders["ru"])
    user_turns = [x for x in turns if x.user_event_id is not None]
    assert [x.text for x in user_turns] == ["меня уволили из-за беременности", "спасибо"]
    first = user_turns[0]
    assert first.intent == "ask_pregnant_dismissal"
    assert 0 < first.confidence <= 1
    assert first.ranking and first.ranking[0][0] == first.intent
    assert first.channel == "web" and first.language == "ru"
    assert "action_answer" in first.actions
    answer = first.answer
    assert answer["answer_id"] == review_data.answers["ru"]["answer_id"]
    assert answer["knowledge_ids"] == review_data.answers["ru"]["knowledge_ids"]
    assert answer["citations"] and all(c["norm_id"] for c in answer["citations"])
    assert user_turns[1].intent == "thanks" and user_turns[1].answer is None and user_turns[1].replies


def test_reader_kazakh_language_from_slot_and_channel(review_data):
    turns = [x for x in _turns(review_data.db_url, review_data.senders["kk"]) if x.user_event_id]
    assert {x.language for x in turns} == {"kk"}
    assert {x.channel for x in turns} == {"telegram"}
    assert turns[0].answer and turns[0].answer["knowledge_ids"]


def test_reader_skips_malformed_rows(db_copy):
    path = db_copy.removeprefix("sqlite:///")
    con = sqlite3.connect(path)
    con.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('broken', 'user', 1.0, '{not json')")
    con.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('broken', 'user', 2.0, '[1, 2]')")
    con.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('broken', 'bot', 3.0, NULL)")
    con.commit()
    con.close()
    turns = _turns(db_copy, "broken")
    assert len(turns) == 1 and turns[0].user_event_id is None  # only the bot event without data survives
    result = sync(make_engine(db_copy))
    assert result.events > 0


def test_sync_is_incremental_and_idempotent(review_data, db_copy):
    engine = make_engine(db_copy)
    first = sync(engine)
    assert first.events > 0 and first.conversations >= len(review_data.senders)
    again = sync(engine)
    assert again.events == 0
    with engine.connect() as conn:
        row = conn.execute(select(t.conversations).where(t.conversations.c.sender_id == review_data.senders["kk"])).mappings().one()
        n_msgs = conn.execute(select(func.count()).select_from(t.messages)).scalar()
    assert row["channel"] == "telegram" and row["language"] == "kk"
    assert row["n_user"] == 2 and row["n_answers"] == 1
    assert "|ask_pregnant_dismissal|" in row["intents"] and "|out_of_scope|" in row["intents"]
    assert row["not_helpful"] and row["n_votes"] == 1
    # New events written after the first sync (here: a copy of an existing conversation's rows under
    # a new sender) are picked up, and only they.
    con = sqlite3.connect(db_copy.removeprefix("sqlite:///"))
    con.execute("INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                "SELECT 'late-sender', type_name, timestamp + 10, intent_name, action_name, data FROM events WHERE sender_id = ? "
                "ORDER BY id", (review_data.senders["ru"],))
    con.commit()
    con.close()
    later = sync(engine)
    assert later.conversations == 1 and later.messages == 2
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.messages)).scalar() == n_msgs + 2


def test_sync_picks_up_vote_changes(review_data, db_copy):
    from tendik.common.feedback import record_vote

    engine = make_engine(db_copy)
    sync(engine)
    sender, answer = review_data.senders["ru"], review_data.answers["ru"]
    record_vote(engine, sender, answer["answer_id"], "not_helpful", "web", "ru")
    assert sync(engine).votes == 1
    page = queries.list_page(engine, queries.Filters(not_helpful=True), 50)
    assert sender in {r["sender_id"] for r in page.rows}
    record_vote(engine, sender, answer["answer_id"], "helpful", "web", "ru")  # changed their mind
    sync(engine)
    page = queries.list_page(engine, queries.Filters(not_helpful=True), 50)
    assert sender not in {r["sender_id"] for r in page.rows}


# ------------------------------------------------------------------ PostgreSQL
@pytest.fixture
def rasa_on_pg(pg_url: str, assistant, tmp_path: Path):
    """A second real Rasa server writing to PostgreSQL (sharing the assistant's action server)."""
    svc = Services(rasa_port=free_port(), action_port=assistant.action_port, db_url=pg_url, log_dir=tmp_path / "logs",
                   rasa_token=assistant.rasa_token, action_token=assistant.action_token)
    try:
        try:
            svc.start_rasa()
        except SystemExit:
            logs = "\n".join(p.read_text(errors="replace")[-3000:] for p in (tmp_path / "logs").glob("*.log"))
            pytest.fail("Rasa did not start on PostgreSQL:\n" + logs)
        yield svc
    finally:
        svc.stop("rasa")


def test_reader_and_index_on_real_postgresql(rasa_on_pg, pg_url: str):
    sender_ru, sender_kk = f"pg-ru-{uuid.uuid4().hex[:6]}", f"pg-kk-{uuid.uuid4().hex[:6]}"
    ru = answer_of(say(rasa_on_pg.rest_url, sender_ru, "мужчинам на той же должности платят больше чем нам", "ru", "web"))
    say(rasa_on_pg.rest_url, sender_ru, "мой телефон +7 701 123 45 67", "ru", "web")
    kk = answer_of(say(rasa_on_pg.rest_url, sender_kk, "жүкті болғаным үшін жұмыстан шығарды", "kk", "telegram"))
    assert ru and ru["knowledge_ids"] and kk and kk["knowledge_ids"]

    engine = make_engine(pg_url)
    assert engine.dialect.name == "postgresql"
    with engine.connect() as conn:
        cols = {r[0] for r in conn.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'events'"))}
    assert cols == {"id", "sender_id", "type_name", "timestamp", "intent_name", "action_name", "data"}  # Rasa's own schema

    with engine.connect() as conn:
        turns = [x for x in read_turns(conn, sender_ru) if x.user_event_id]
    assert turns[0].intent == "ask_equal_pay" and turns[0].answer["answer_id"] == ru["answer_id"]
    assert turns[1].text == "мой телефон [PHONE]"  # masked by the channel at ingress

    result = sync(engine)
    assert result.conversations == 2 and result.messages == 3
    assert queries.ensure_search_index(engine), "pg_trgm index could not be created"
    page = queries.list_page(engine, queries.Filters(language="kk"), 50)
    assert [r["sender_id"] for r in page.rows] == [sender_kk]
    page = queries.list_page(engine, queries.Filters(q="ДОЛЖНОСТИ платят"), 50)
    assert [r["sender_id"] for r in page.rows] == [sender_ru]
    page = queries.list_page(engine, queries.Filters(channel="telegram", intent="ask_pregnant_dismissal"), 50)
    assert [r["sender_id"] for r in page.rows] == [sender_kk]
    # keyset pagination on PostgreSQL
    p1 = queries.list_page(engine, queries.Filters(), 1)
    p2 = queries.list_page(engine, queries.Filters(), 1, after=p1.next_cursor)
    assert {p1.rows[0]["sender_id"], p2.rows[0]["sender_id"]} == {sender_ru, sender_kk} and p2.next_cursor is None
    # the dashboard's aggregate queries run on PostgreSQL too
    d = queries.dashboard(engine, 7)
    assert d["conversations"] == 2 and d["answered"] == 2


def test_sqlite_rows_copied_to_postgresql_read_the_same(review_data, db_copy: str, pg_url: str):
    """Rows in Rasa's exact schema, copied from the real SQLite store, parse identically."""
    from sqlalchemy import MetaData

    from tendik.review.tracker import events

    pg = make_engine(pg_url)
    md = MetaData()
    events.to_metadata(md).create(pg)
    src = make_engine(db_copy)
    with src.connect() as s, pg.begin() as d:
        rows = [dict(r) for r in s.execute(select(events).order_by(events.c.id)).mappings()]
        d.execute(events.insert(), rows)
    for sender in review_data.senders.values():
        with src.connect() as s, pg.connect() as d:
            a, b = read_turns(s, sender), read_turns(d, sender)
        assert [(x.user_event_id, x.text, x.intent, x.actions, x.answer) for x in a] == \
               [(x.user_event_id, x.text, x.intent, x.actions, x.answer) for x in b]
    assert sync(pg).conversations == len(review_data.senders)
    sync(src)
    assert queries.dashboard(pg, 7)["topics"] == queries.dashboard(src, 7)["topics"]
    sqlite_rows = queries.list_page(src, queries.Filters(), 50).rows
    pg_rows = queries.list_page(pg, queries.Filters(), 50).rows
    assert [r["sender_id"] for r in pg_rows] == [r["sender_id"] for r in sqlite_rows]
