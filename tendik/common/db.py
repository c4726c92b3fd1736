"""The database the services share with Rasa: Rasa's SQL tracker store (table ``events``) and the
project's own tables (votes, subscriptions, reviews), in one database given by ``TENDIK_DB_URL``
(SQLite by default, PostgreSQL when configured). Our tables are made and changed only by the
migrations in :mod:`tendik.db` (:func:`ensure_schema`); Rasa creates ``events`` itself.

Every table of ours that holds per-user data has a ``sender_id`` column, so
:func:`delete_user_data` erases a user everywhere without knowing each feature's tables.
"""

from __future__ import annotations

import logging
import sqlite3
import time

from sqlalchemy import Engine, MetaData, create_engine, event, inspect, text

from tendik.common.keys import protect_sqlite

logger = logging.getLogger(__name__)

# Tables of this project register here (feedback, subscriptions, reviews ...).
metadata = MetaData()
TRACKER_TABLE = "events"


def make_engine(url: str) -> Engine:
    """An engine for ``url``. SQLite gets WAL (Rasa writes the same file) and a busy timeout, and
    its file (and journals, and folder) are made readable by their owner only."""
    if url.startswith("sqlite:///"):
        protect_sqlite(url)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
            cur = dbapi_connection.cursor()
            try:
                cur.execute("PRAGMA busy_timeout=30000")
                _enable_wal(cur)
            finally:
                cur.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


def _enable_wal(cur: sqlite3.Cursor, wait: float = 30.0) -> None:
    """Switch the file to WAL unless it already is. The switch needs the file to itself, and SQLite
    may refuse it at once ("database is locked") without waiting the busy timeout when another
    process is opening or switching the same new file at the same moment (several services
    starting together); so it is retried for up to ``wait`` seconds."""
    deadline = time.monotonic() + wait
    delay = 0.02
    while True:
        try:
            if str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
                return
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def delete_user_data(engine: Engine, sender_id: str) -> dict[str, int]:
    """Delete every row of ``sender_id`` from every table that has a ``sender_id`` column (Rasa's
    tracker store included). Returns the number of rows deleted per table."""
    deleted: dict[str, int] = {}
    insp = inspect(engine)
    with engine.begin() as conn:
        for table in insp.get_table_names():
            columns = {c["name"] for c in insp.get_columns(table)}
            if "sender_id" not in columns:
                continue
            quoted = engine.dialect.identifier_preparer.quote(table)
            result = conn.execute(text(f"DELETE FROM {quoted} WHERE sender_id = :s"), {"s": sender_id})
            if result.rowcount:
                deleted[table] = result.rowcount
    logger.info("deleted a user's data: %s", deleted or "nothing stored")
    return deleted
