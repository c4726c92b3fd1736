"""Schema migrations (tendik.db) on SQLite and on a throw-away PostgreSQL.

An old installation is built the way it really was: ``metadata.create_all`` of the table
definitions at commit fb2c096 (frozen below, copied from ``git show fb2c096:bot/...``), no version
table, rows in every table, and Rasa's ``events`` with rows beside them. Then: upgrade keeps every
row and adds what changed since, downgrade drops only our tables, upgrade again; a create_all
database of today and a bot-only one are recognised; concurrent upgrades; the newest revision
equals the code's tables (no autogenerate difference); the services work on an old database.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    select,
    text,
)

from tendik.common.db import make_engine
from tendik.db import migrate
from tendik.db.migrate import ensure_schema
from tendik.db.models import VERSION_TABLE, metadata

ROOT = Path(__file__).resolve().parents[1]
BASELINE, HEAD = "0001_baseline", migrate.head()
TELEGRAM = ["tendik_tg_users", "tendik_tg_subscriptions", "tendik_tg_broadcasts", "tendik_tg_deliveries", "tendik_tg_meta"]
REVIEW_OLD = ["review_conversations", "review_messages", "review_judgements", "review_users", "review_sessions", "review_state"]
OLD_TABLES = ["tendik_feedback", *TELEGRAM, *REVIEW_OLD]  # the twelve of fb2c096
LEARN_TABLES = ["tendik_learn_progress", "tendik_learn_lessons", "tendik_learn_answers", "tendik_learn_polls"]  # 0003 (the course)
HANDOFF_TABLES = ["tendik_handoffs", "tendik_handoff_messages", "tendik_handoff_notes", "tendik_audit"]  # 0004 (the operators' desk)
NEW_TABLES = ["review_login_attempts", *LEARN_TABLES, *HANDOFF_TABLES]  # added since (security work; the course; the desk)
PASSWORD = "correct horse battery staple 42"
# undo on a create_all database what revisions after the last create_all schema added to its tables
SINCE_CREATE_ALL = [
    "DROP INDEX ix_review_judgements_content_fix",
    *(f"ALTER TABLE review_judgements DROP COLUMN {c}" for c in ("reason", "content_fix", "content_fixed_at", "content_fixed_by")),
    "ALTER TABLE review_users DROP COLUMN language",
    "ALTER TABLE tendik_feedback DROP COLUMN reason",  # 0006
]


# ------------------------------------------------------------------ the schema of fb2c096, frozen
def fb2c096_metadata() -> MetaData:
    """``bot/common/feedback.py``, ``bot/telegram/storage.py``, ``bot/review/tables.py`` at fb2c096."""
    md = MetaData()
    Table(
        "tendik_feedback", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("sender_id", String(255), nullable=False, index=True),
        Column("answer_id", String(64), nullable=False, index=True),
        Column("vote", String(16), nullable=False),
        Column("comment", Text, nullable=True),
        Column("channel", String(32), nullable=False),
        Column("language", String(8), nullable=True),
        Column("created_at", Float, nullable=False),
    )
    Table(
        "tendik_tg_users", md,
        Column("sender_id", String(64), primary_key=True),
        Column("language", String(8), nullable=True),
        Column("pending_comment", String(64), nullable=True),
        Column("pending_since", Float, nullable=True),
        Column("created_at", Float, nullable=False),
        Column("updated_at", Float, nullable=False),
    )
    Table(
        "tendik_tg_subscriptions", md,
        Column("sender_id", String(64), primary_key=True),
        Column("chat_id", BigInteger, nullable=False),
        Column("language", String(8), nullable=False),
        Column("subscribed_at", Float, nullable=False),
        Column("blocked_at", Float, nullable=True),
        Column("last_card", String(64), nullable=True),
        Column("seen_cards", Text, nullable=False, default=""),
        Column("cards_sent", Integer, nullable=False, default=0),
    )
    Table(
        "tendik_tg_broadcasts", md,
        Column("id", String(32), primary_key=True),
        Column("created_at", Float, nullable=False),
        Column("origin", String(16), nullable=False),
        Column("topic", String(64), nullable=True),
        Column("status", String(16), nullable=False),
        Column("total", Integer, nullable=False, default=0),
        Column("lease_owner", String(64), nullable=True),
        Column("lease_until", Float, nullable=True),
        Column("finished_at", Float, nullable=True),
    )
    Table(
        "tendik_tg_deliveries", md,
        Column("broadcast_id", String(32), primary_key=True),
        Column("sender_id", String(64), primary_key=True),
        Column("state", String(16), nullable=False),
        Column("card_id", String(64), nullable=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("error", String(64), nullable=True),
        Column("updated_at", Float, nullable=False),
        Index("ix_tendik_tg_deliveries_state", "broadcast_id", "state"),
    )
    Table(
        "tendik_tg_meta", md,
        Column("key", String(64), primary_key=True),
        Column("value", Text, nullable=True),
    )
    Table(
        "review_conversations", md,
        Column("sender_id", String(255), primary_key=True),
        Column("channel", String(32), nullable=False, default=""),
        Column("language", String(8), nullable=False, default=""),
        Column("first_ts", Float, nullable=False),
        Column("last_ts", Float, nullable=False),
        Column("day", String(10), nullable=False, default=""),
        Column("n_user", Integer, nullable=False, default=0),
        Column("n_answers", Integer, nullable=False, default=0),
        Column("n_unanswered", Integer, nullable=False, default=0),
        Column("intents", Text, nullable=False, default="|"),
        Column("min_confidence", Float, nullable=True),
        Column("fallback", Boolean, nullable=False, default=False),
        Column("not_helpful", Boolean, nullable=False, default=False),
        Column("n_votes", Integer, nullable=False, default=0),
        Column("reviewed", Boolean, nullable=False, default=False),
        Column("n_judged", Integer, nullable=False, default=0),
        Column("preview", Text, nullable=False, default=""),
        Column("search_text", Text, nullable=False, default=""),
        Column("last_msg_event_id", Integer, nullable=True),
        Column("last_event_id", Integer, nullable=False, default=0),
        Index("ix_review_conv_last", "last_ts", "sender_id"),
        Index("ix_review_conv_channel_last", "channel", "last_ts"),
        Index("ix_review_conv_language_last", "language", "last_ts"),
        Index("ix_review_conv_nothelpful_last", "not_helpful", "last_ts"),
        Index("ix_review_conv_fallback_last", "fallback", "last_ts"),
        Index("ix_review_conv_reviewed_last", "reviewed", "last_ts"),
        Index("ix_review_conv_day", "day", "language", "channel"),
    )
    Table(
        "review_messages", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("sender_id", String(255), nullable=False),
        Column("event_id", Integer, nullable=False),
        Column("ts", Float, nullable=False),
        Column("day", String(10), nullable=False),
        Column("language", String(8), nullable=False, default=""),
        Column("channel", String(32), nullable=False, default=""),
        Column("text", Text, nullable=False, default=""),
        Column("intent", String(128), nullable=True),
        Column("confidence", Float, nullable=True),
        Column("action", String(128), nullable=True),
        Column("answer_id", String(64), nullable=True),
        Column("source", String(16), nullable=True),
        Column("knowledge_ids", Text, nullable=True),
        Column("answered", Boolean, nullable=True),
        UniqueConstraint("sender_id", "event_id", name="uq_review_messages_event"),
        Index("ix_review_messages_day", "day", "intent", "answered"),
        Index("ix_review_messages_intent", "intent"),
    )
    Table(
        "review_judgements", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("sender_id", String(255), nullable=False),
        Column("turn_event_id", Integer, nullable=False),
        Column("answer_id", String(64), nullable=True),
        Column("verdict", String(16), nullable=False),
        Column("right_intent", String(128), nullable=True),
        Column("right_knowledge_ids", Text, nullable=True),
        Column("comment", Text, nullable=True),
        Column("reviewer", String(64), nullable=False),
        Column("created_at", Float, nullable=False),
        Column("updated_at", Float, nullable=False),
        UniqueConstraint("sender_id", "turn_event_id", name="uq_review_judgements_turn"),
    )
    Table(
        "review_users", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("username", String(64), nullable=False, unique=True),
        Column("password_hash", String(255), nullable=False),
        Column("role", String(16), nullable=False),
        Column("disabled", Boolean, nullable=False, default=False),
        Column("failed_logins", Integer, nullable=False, default=0),
        Column("locked_until", Float, nullable=True),
        Column("created_at", Float, nullable=False),
        Column("last_login", Float, nullable=True),
    )
    Table(
        "review_sessions", md,
        Column("token_hash", String(64), primary_key=True),
        Column("user_id", Integer, nullable=False, index=True),
        Column("csrf", String(64), nullable=False),
        Column("created_at", Float, nullable=False),
        Column("expires_at", Float, nullable=False),
    )
    Table(
        "review_state", md,
        Column("key", String(64), primary_key=True),
        Column("value", Float, nullable=False),
    )
    return md


def rasa_events(md: MetaData) -> Table:
    """Rasa 3.6's SQL tracker store table (``rasa.core.tracker_store.SQLTrackerStore.SQLEvent``)."""
    return Table(
        "events", md,
        Column("id", Integer, primary_key=True),
        Column("sender_id", String(255), nullable=False, index=True),
        Column("type_name", String(255), nullable=False),
        Column("timestamp", Float),
        Column("intent_name", String(255)),
        Column("action_name", String(255)),
        Column("data", Text),
    )


def old_rows() -> dict[str, list[dict]]:
    from tendik.review.auth import hash_password

    now = 1_780_000_000.0
    return {
        "tendik_feedback": [
            {"sender_id": "u1", "answer_id": "a1", "vote": "not_helpful", "comment": "мало", "channel": "web",
             "language": "ru", "created_at": now},
            {"sender_id": "u2", "answer_id": "a2", "vote": "helpful", "comment": None, "channel": "telegram",
             "language": "kk", "created_at": now + 1},
        ],
        "tendik_tg_users": [{"sender_id": "u2", "language": "kk", "pending_comment": "a2", "pending_since": now, "created_at": now,
                             "updated_at": now}],
        "tendik_tg_subscriptions": [{"sender_id": "u2", "chat_id": 9_007_199_254_740_993, "language": "kk", "subscribed_at": now,
                                     "blocked_at": None, "last_card": "equal_pay", "seen_cards": "equal_pay pregnancy",
                                     "cards_sent": 2}],
        "tendik_tg_broadcasts": [{"id": "b1", "created_at": now, "origin": "schedule", "topic": None, "status": "done", "total": 1,
                                  "lease_owner": None, "lease_until": None, "finished_at": now + 5}],
        "tendik_tg_deliveries": [{"broadcast_id": "b1", "sender_id": "u2", "state": "sent", "card_id": "equal_pay", "attempts": 1,
                                  "error": None, "updated_at": now + 5}],
        "tendik_tg_meta": [{"key": "schedule_anchor", "value": str(now)}],
        "review_conversations": [{"sender_id": "u1", "channel": "web", "language": "ru", "first_ts": now, "last_ts": now + 9,
                                  "day": "2026-05-28", "n_user": 2, "n_answers": 1, "n_unanswered": 0, "intents": "|ask_dismissal|",
                                  "min_confidence": 0.8, "fallback": False, "not_helpful": True, "n_votes": 1, "reviewed": True,
                                  "n_judged": 1, "preview": "меня уволили", "search_text": "меня уволили", "last_msg_event_id": 3,
                                  "last_event_id": 4}],
        "review_messages": [{"sender_id": "u1", "event_id": 3, "ts": now, "day": "2026-05-28", "language": "ru",
                             "channel": "web", "text": "меня уволили", "intent": "ask_dismissal", "confidence": 0.8,
                             "action": "action_answer", "answer_id": "a1", "source": "intent", "knowledge_ids": '["tk_52"]',
                             "answered": True}],
        "review_judgements": [{"sender_id": "u1", "turn_event_id": 3, "answer_id": "a1", "verdict": "correct",
                               "right_intent": None, "right_knowledge_ids": None, "comment": None, "reviewer": "alice",
                               "created_at": now, "updated_at": now}],
        "review_users": [{"username": "alice", "password_hash": hash_password(PASSWORD), "role": "admin", "disabled": False,
                          "failed_logins": 0, "locked_until": None, "created_at": now, "last_login": None}],
        "review_sessions": [{"token_hash": "h" * 64, "user_id": 1, "csrf": "c" * 64, "created_at": now, "expires_at": now + 3600}],
        "review_state": [{"key": "events", "value": 4.0}],
        "events": [
            {"sender_id": "u1", "type_name": kind, "timestamp": now + i, "intent_name": None, "action_name": None,
             "data": json.dumps({"event": kind})}
            for i, kind in enumerate(["action", "session_started", "action", "user", "bot"], start=1)
        ],
    }


def make_old_database(url: str, tables: list[str] = OLD_TABLES, md: MetaData | None = None) -> dict[str, list[tuple]]:
    """An installation of fb2c096: ``create_all`` of ``tables``, Rasa's events, a row or two in
    each. Returns every table's rows."""
    md = md or fb2c096_metadata()
    events = rasa_events(md)
    engine = make_engine(url)
    try:
        md.create_all(engine, tables=[md.tables[t] for t in tables] + [events])
        with engine.begin() as conn:
            for name, rows in old_rows().items():
                if name in tables or name == "events":
                    conn.execute(md.tables[name].insert(), rows)
        return dump(engine, [*tables, "events"])
    finally:
        engine.dispose()


def dump(engine: Engine, tables: list[str], old_columns: bool = False) -> dict[str, list[tuple]]:
    """Every row of ``tables``; with ``old_columns`` only the columns fb2c096 had (columns added
    since, such as review_users.language of 0005, hold their defaults)."""
    md = MetaData()
    old = fb2c096_metadata().tables if old_columns else {}
    out = {}
    with engine.connect() as conn:
        for name in tables:
            table = Table(name, md, autoload_with=conn)
            cols = [table.c[c.name] for c in old[name].columns] if name in old else list(table.c)
            out[name] = sorted(tuple(r) for r in conn.execute(select(*cols)))
    return out


def tables_of(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def columns_of(url: str, table: str) -> list[tuple[str, str, bool]]:
    engine = make_engine(url)
    try:
        return [(c["name"], str(c["type"]), c["nullable"]) for c in inspect(engine).get_columns(table)]
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
    else:
        yield request.getfixturevalue("pg_url")


# ------------------------------------------------------------------ tests
def test_old_database_upgrades_keeps_every_row_and_downgrades(db_url: str) -> None:
    before = make_old_database(db_url)
    events_columns = columns_of(db_url, "events")
    assert VERSION_TABLE not in tables_of(db_url)

    assert migrate.upgrade(db_url) == HEAD
    assert migrate.current(db_url) == HEAD
    engine = make_engine(db_url)
    try:
        assert dump(engine, [*OLD_TABLES, "events"], old_columns=True) == before, "a row changed or went missing"
        with engine.connect() as conn:  # 0005: old accounts keep English, old verdicts have no reason and no fix flag
            assert {r[0] for r in conn.execute(text("SELECT language FROM review_users"))} == {"en"}
            assert {tuple(r) for r in conn.execute(text("SELECT reason, content_fix FROM review_judgements"))} == {(None, False)}
            assert {r[0] for r in conn.execute(text("SELECT reason FROM tendik_feedback"))} == {None}  # 0006: old votes, no reason
        assert set(NEW_TABLES) <= set(inspect(engine).get_table_names())
        assert migrate.diff(engine) == []
    finally:
        engine.dispose()
    assert columns_of(db_url, "events") == events_columns

    # every step down and up again, events untouched throughout
    assert migrate.downgrade(BASELINE, db_url) == BASELINE
    assert not set(NEW_TABLES) & tables_of(db_url)
    assert set(OLD_TABLES) <= tables_of(db_url)
    assert migrate.downgrade("base", db_url) is None
    assert tables_of(db_url) == {"events"}, "downgrade to base leaves only Rasa's table"
    engine = make_engine(db_url)
    try:
        assert dump(engine, ["events"]) == {"events": before["events"]}
    finally:
        engine.dispose()
    assert columns_of(db_url, "events") == events_columns

    assert migrate.upgrade(db_url) == HEAD
    assert tables_of(db_url) == {"events", VERSION_TABLE, *OLD_TABLES, *NEW_TABLES}
    assert migrate.diff(db_url) == []


def test_services_work_on_an_upgraded_old_database(db_url: str, tmp_path: Path) -> None:
    from tendik.common.db import delete_user_data
    from tendik.common.feedback import record_vote, votes_for
    from tendik.review import auth
    from tendik.review.settings import ReviewSettings
    from tendik.review.web import make_app
    from tendik.telegram.storage import Store
    from tendik.web.app import create_app
    from tendik.web.settings import WebSettings

    make_old_database(db_url)

    async def widget_service_starts() -> None:
        from aiohttp import web

        runner = web.AppRunner(create_app(WebSettings(db_url=db_url)))
        await runner.setup()  # the service's start: migrates
        await runner.cleanup()

    asyncio.run(widget_service_starts())
    assert migrate.current(db_url) == HEAD

    engine = make_engine(db_url)
    try:
        make_app(ReviewSettings(db_url=db_url, review_secret="s" * 32), engine)  # the review app's start
        ensure_schema(engine)  # the Telegram bot's start: nothing left to do
        # the review app: an account of the old database logs in; wrong passwords are counted in the new table
        limits = auth.LoginLimits()
        assert not auth.authenticate(engine, "alice", "wrong password", limits, client="10.0.0.1").user
        assert auth.authenticate(engine, "alice", PASSWORD, limits, client="10.0.0.1").user is not None
        # the Telegram store and votes read the old rows and write new ones
        store = Store(engine)
        assert store.get_user.sync(store, "u2").pending_comment == "a2"
        store.set_language.sync(store, "u3", "ru")
        assert store.get_user.sync(store, "u3").language == "ru"
        record_vote(engine, "u1", "a9", "helpful", "web", "ru")
        assert [v["answer_id"] for v in votes_for(engine, "u1")] == ["a1", "a9"]
        # /delete still finds every table with a sender_id, Rasa's included
        deleted = delete_user_data(engine, "u1")
        assert {"events", "tendik_feedback", "review_conversations", "review_messages", "review_judgements"} <= set(deleted)
    finally:
        engine.dispose()


def test_todays_create_all_database_is_recognised_as_head(db_url: str) -> None:
    """Installed after the security work (review_login_attempts made by create_all, the last
    schema create_all ever made: the services migrate since): recorded as that revision, nothing
    created or changed there, then upgraded (the course's tables added)."""
    engine = make_engine(db_url)
    created = [t for name, t in metadata.tables.items() if name not in LEARN_TABLES and name not in HANDOFF_TABLES]
    try:
        metadata.create_all(engine, tables=created)
        rasa_events(MetaData()).create(engine)
        with engine.begin() as conn:
            for sql in SINCE_CREATE_ALL:  # columns added by later revisions (0005) were never made by create_all
                conn.execute(text(sql))
            conn.execute(metadata.tables["review_login_attempts"].insert(),
                         [{"key": "k" * 64, "scope": "client", "username": None, "failures": 3, "locked_until": None, "updated_at": 1.0}])
        before = dump(engine, [*(t.name for t in created), "events"])
        assert migrate.upgrade(engine) == HEAD
        assert dump(engine, [*(t.name for t in created), "events"]) == before
        assert set(LEARN_TABLES) <= set(inspect(engine).get_table_names())
        assert set(HANDOFF_TABLES) <= set(inspect(engine).get_table_names())
        assert migrate.diff(engine) == []
    finally:
        engine.dispose()


def test_bot_only_old_database_gets_the_tables_it_never_had(db_url: str) -> None:
    """Only the bots ever ran (create_all made the votes and Telegram tables, never the review
    app's): recorded as the baseline, the missing tables made, then upgraded."""
    before = make_old_database(db_url, tables=["tendik_feedback", *TELEGRAM])
    assert migrate.upgrade(db_url) == HEAD
    engine = make_engine(db_url)
    try:
        assert dump(engine, ["tendik_feedback", *TELEGRAM, "events"], old_columns=True) == before  # 0006 added a column
        assert {*REVIEW_OLD, *NEW_TABLES} <= set(inspect(engine).get_table_names())
        assert migrate.diff(engine) == []
    finally:
        engine.dispose()


def test_unknown_schema_is_refused_and_left_alone(db_url: str) -> None:
    """A table of ours whose columns match no revision: a clear error, nothing changed."""
    md = fb2c096_metadata()
    md.tables["tendik_tg_meta"].append_column(Column("note", Text))
    before = make_old_database(db_url, md=md)
    with pytest.raises(migrate.SchemaError, match="tendik_tg_meta"):
        migrate.upgrade(db_url)
    assert VERSION_TABLE not in tables_of(db_url)
    assert set(NEW_TABLES).isdisjoint(tables_of(db_url))
    engine = make_engine(db_url)
    try:
        assert dump(engine, [*OLD_TABLES, "events"]) == before
    finally:
        engine.dispose()


def test_empty_database_up_and_down_step_by_step(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        rasa_events(MetaData()).create(engine)
        assert migrate.upgrade(engine, BASELINE) == BASELINE
        assert set(inspect(engine).get_table_names()) == {"events", VERSION_TABLE, *OLD_TABLES}
        assert migrate.upgrade(engine) == HEAD
        assert migrate.diff(engine) == []
        # Alembic's own `check` command through our env.py (what a maintainer runs)
        with engine.connect() as conn:
            cfg = migrate._config(conn)
            command.check(cfg)
        ensure_schema(engine)  # at head: a no-op
        assert migrate.downgrade("-1", engine) == "0005_review_language"
        assert "reason" not in {c["name"] for c in inspect(engine).get_columns("tendik_feedback")}
        assert {"sender_id", "answer_id"} <= {c for i in inspect(engine).get_indexes("tendik_feedback") for c in i["column_names"]}
        assert migrate.downgrade("-1", engine) == "0004_handoff"
        assert "language" not in {c["name"] for c in inspect(engine).get_columns("review_users")}
        assert "reason" not in {c["name"] for c in inspect(engine).get_columns("review_judgements")}
        assert migrate.downgrade("-1", engine) == "0003_learning"
        assert set(HANDOFF_TABLES).isdisjoint(inspect(engine).get_table_names())
        assert migrate.downgrade("-1", engine) == "0002_review_login_attempts"
        assert set(LEARN_TABLES).isdisjoint(inspect(engine).get_table_names())
        assert migrate.downgrade("-1", engine) == BASELINE
        assert migrate.downgrade("base", engine) is None
        assert set(inspect(engine).get_table_names()) == {"events"}
    finally:
        engine.dispose()


def test_head_matches_the_models_without_a_difference(db_url: str) -> None:
    """``alembic check``: autogenerate finds nothing between the newest revision and the code's
    tables, and never proposes anything for Rasa's events."""
    engine = make_engine(db_url)
    try:
        rasa_events(MetaData()).create(engine)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE tendik_unrelated_probe (id INTEGER PRIMARY KEY)"))  # ours by its name
        migrate.upgrade(engine)
        diffs = migrate.diff(engine)
        assert diffs and all("tendik_unrelated_probe" in str(d) for d in diffs), diffs  # ours: proposed for removal
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE tendik_unrelated_probe"))
        assert migrate.diff(engine) == []
    finally:
        engine.dispose()


CONCURRENT = """
import sys, time
from tendik.db.migrate import upgrade
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
print(upgrade(sys.argv[1]))
"""


@pytest.mark.parametrize("old", [False, True], ids=["empty", "old"])
def test_concurrent_upgrades_in_several_processes(db_url: str, old: bool) -> None:
    """Five services starting at the same moment: all succeed, the schema is made once. (SQLite: a
    process switching a new file to WAL while another migrates used to fail at once with "database
    is locked", 2 of 48 processes in 12 rounds of 4.)"""
    before = make_old_database(db_url) if old else None
    start = time.time() + 6  # after every process has imported
    procs = [subprocess.Popen([sys.executable, "-c", CONCURRENT, db_url, str(start)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for _ in range(5)]
    results = [p.communicate(timeout=180) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, err[-3000:]
        assert out.strip().splitlines()[-1] == HEAD
    assert migrate.current(db_url) == HEAD
    assert migrate.diff(db_url) == []
    if before is not None:
        engine = make_engine(db_url)
        try:
            assert dump(engine, [*OLD_TABLES, "events"], old_columns=True) == before
        finally:
            engine.dispose()


def test_a_running_migration_holds_others_back(db_url: str) -> None:
    """While another migration holds the lock (SQLite: the write lock; PostgreSQL: the advisory
    lock), an upgrade waits, and then goes on."""
    engine = make_engine(db_url)
    rasa_events(MetaData()).create(engine)  # the database exists (and SQLite is in WAL mode)
    release = threading.Event()

    def hold() -> None:
        if db_url.startswith("sqlite"):
            conn = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            held.set()
            release.wait(30)
            conn.execute("ROLLBACK")
            conn.close()
        else:
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": migrate.PG_LOCK_KEY})
                held.set()
                release.wait(30)
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": migrate.PG_LOCK_KEY})
                conn.commit()

    held = threading.Event()
    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        done: list[str | None] = []
        upgrader = threading.Thread(target=lambda: done.append(migrate.upgrade(db_url)))
        upgrader.start()
        upgrader.join(2.0)
        assert upgrader.is_alive() and not done, "the upgrade did not wait for the lock"
        release.set()
        upgrader.join(60)
        assert done == [HEAD]
    finally:
        release.set()
        holder.join(30)
        engine.dispose()
