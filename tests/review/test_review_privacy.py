"""Retention (delete conversations older than N days, everywhere) and the user's own /delete
(tendik.common.db.delete_user_data) reaching the review tables."""

from __future__ import annotations

import sqlite3
import time

from review_support import cli
from sqlalchemy import func, inspect, select, text

from tendik.common.db import delete_user_data, make_engine
from tendik.review import tables as t
from tendik.review.judgements import save_judgement
from tendik.review.sync import sync
from tendik.review.tracker import read_turns


def rows_of(engine, sender: str) -> dict[str, int]:
    out = {}
    insp = inspect(engine)
    with engine.connect() as conn:
        for table in insp.get_table_names():
            if "sender_id" in {c["name"] for c in insp.get_columns(table)}:
                n = conn.execute(text(f'SELECT COUNT(*) FROM "{table}" WHERE sender_id = :s'), {"s": sender}).scalar()
                if n:
                    out[table] = n
    return out


def judge_first(engine, sender: str) -> None:
    with engine.connect() as conn:
        ev = next(x.user_event_id for x in read_turns(conn, sender) if x.user_event_id)
    save_judgement(engine, sender, ev, "wrong", "tester", right_intent="ask_equal_pay", comment="см. ст. 6")


def age_conversation(db_url: str, sender: str, days: float) -> None:
    """Move a conversation ``days`` into the past (as if it had happened then)."""
    con = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    con.execute("UPDATE events SET timestamp = timestamp - ? WHERE sender_id = ?", (days * 86400, sender))
    con.commit()
    con.close()


def test_retention_deletes_old_conversations_everywhere(review_data, db_copy):
    s = review_data.senders
    old, recent = s["kk"], s["ru"]
    age_conversation(db_copy, old, 100)
    age_conversation(db_copy, recent, 20)
    engine = make_engine(db_copy)
    sync(engine)
    judge_first(engine, old)
    judge_first(engine, recent)
    before = rows_of(engine, old)
    assert {"events", "review_conversations", "review_messages", "review_judgements", "tendik_feedback"} <= set(before)

    dry = cli(db_copy, "retention", "--days", "30", "--dry-run").stdout
    assert "dry run: 1 conversations" in dry
    assert rows_of(engine, old) == before  # nothing deleted by a dry run

    out = cli(db_copy, "retention", "--days", "30").stdout
    assert "deleted 1 conversations" in out
    assert rows_of(engine, old) == {}
    assert "review_judgements" in rows_of(engine, recent)  # 20 days old: kept
    assert len(rows_of(engine, s["tg"])) >= 3  # today's: kept
    # the setting is the default for the command; without either it refuses to guess
    assert "deleted 1 conversations" in cli(db_copy, "retention", TENDIK_RETENTION_DAYS="10").stdout
    assert rows_of(engine, recent) == {}
    r = cli(db_copy, "retention", check=False)
    assert r.returncode == 2 and "retention is off" in r.stderr


def test_delete_user_data_removes_review_rows(review_data, db_copy):
    s = review_data.senders
    engine = make_engine(db_copy)
    sync(engine)
    judge_first(engine, s["kk"])
    assert {"events", "review_conversations", "review_messages", "review_judgements", "tendik_feedback"} <= set(rows_of(engine, s["kk"]))
    deleted = delete_user_data(engine, s["kk"])  # what the user's /delete runs
    assert {"review_conversations", "review_messages", "review_judgements"} <= set(deleted)
    assert rows_of(engine, s["kk"]) == {}
    # a later sync does not bring anything back, and the rest is untouched
    sync(engine)
    assert rows_of(engine, s["kk"]) == {}
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.conversations)).scalar() == len(s) - 1


def test_review_tables_all_key_conversations_by_sender_id():
    per_conversation = [t.conversations, t.messages, t.judgements]
    for table in per_conversation:
        assert "sender_id" in table.c, table.name
    # accounts and sessions are about operators, not users
    assert "sender_id" not in t.users.c and "sender_id" not in t.sessions.c


def test_sync_after_new_messages_of_a_deleted_user_starts_fresh(review_data, db_copy):
    """A user who deleted their data and writes again gets a new, clean conversation row."""
    s = review_data.senders
    engine = make_engine(db_copy)
    sync(engine)
    delete_user_data(engine, s["ru"])
    con = sqlite3.connect(db_copy.removeprefix("sqlite:///"))
    con.execute("INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                "SELECT ?, type_name, ?, intent_name, action_name, data FROM events WHERE sender_id = ? ORDER BY id",
                (s["ru"], time.time(), s["tg"]))
    con.commit()
    con.close()
    sync(engine)
    with engine.connect() as conn:
        row = conn.execute(select(t.conversations).where(t.conversations.c.sender_id == s["ru"])).mappings().one()
    assert row["n_user"] == 1 and row["intents"] == "|ask_employer_liability|" and not row["reviewed"]
