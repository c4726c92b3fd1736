"""Bring the project's tables to a revision: ``upgrade()``, ``downgrade(rev)``, ``current()``, ``diff()``.

Alembic is configured here, in code (no ``alembic.ini``): scripts in ``tendik/db/migrations``,
version table ``tendik_alembic_version``, only our tables compared (:mod:`tendik.db.models`).
The database is ``TENDIK_DB_URL`` (:func:`tendik.common.config.default_db_url`) unless an engine
or URL is given.

* Several services may start at once: an upgrade or downgrade runs in one transaction that no
  other migration runs beside: SQLite's write lock (``BEGIN IMMEDIATE``; others wait for the busy
  timeout), PostgreSQL's transaction-level advisory lock :data:`PG_LOCK_KEY`. The DDL is inside
  that transaction, so a failed migration leaves nothing half done (both databases roll DDL back).
* A database made before migrations existed (our tables by ``metadata.create_all``, no version
  table) is recognised: the revision its tables match is recorded, tables the services never made
  there (the review app's, when only the bots ran) are created as they were at that revision, and
  the upgrade goes on from there. No existing table is dropped, recreated or altered by that step.
* Rasa's ``events`` is never read, changed or dropped.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Collection, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, Table, create_engine, inspect, text

from tendik.common.config import default_db_url
from tendik.common.db import make_engine
from tendik.db.models import VERSION_TABLE, include_name, include_object, is_ours, metadata

__all__ = ["SchemaError", "current", "diff", "downgrade", "head", "upgrade"]

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The schemas ``metadata.create_all`` could have left before migrations existed, oldest first: the
# tables of commit fb2c096, then today's (with review_login_attempts). Databases migrated since
# have a version table, so no later revision can ever be found without one.
LEGACY_REVISIONS = ("0001_baseline", "0002_review_login_attempts")
# PostgreSQL advisory lock held (for the transaction) while migrating: b"tendikdb" as an integer.
PG_LOCK_KEY = int.from_bytes(b"tendikdb", "big") & 0x7FFF_FFFF_FFFF_FFFF

EngineOrUrl = Engine | str | None


class SchemaError(RuntimeError):
    """The database's tables match no revision we know: nothing was changed."""


# ------------------------------------------------------------------ configuration
def _config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head() -> str:
    """The newest revision."""
    heads = _script().get_heads()
    if len(heads) != 1:
        raise SchemaError(f"the migrations must have one head, not {heads}")
    return heads[0]


@contextlib.contextmanager
def _engine(engine_or_url: EngineOrUrl) -> Iterator[Engine]:
    """The given engine, or one for the URL (default: ``TENDIK_DB_URL``) disposed afterwards."""
    if isinstance(engine_or_url, Engine):
        yield engine_or_url
        return
    engine = make_engine(engine_or_url or default_db_url())
    try:
        yield engine
    finally:
        engine.dispose()


def _version(conn: Connection) -> str | None:
    """The recorded revision, read directly (quiet and cheap: services ask at every start)."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    heads = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(heads) > 1:
        raise SchemaError(f"{VERSION_TABLE} names several revisions: {heads}")
    return heads[0] if heads else None


@contextlib.contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction no other migration runs beside; committed if the block ends
    without an error, rolled back otherwise (DDL included)."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            # The database's write lock now, not at the first write: a second migration waits here
            # (busy timeout) and then sees the first one's result.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
        else:
            conn.begin()
        yield conn
        conn.commit()


# ------------------------------------------------------------------ public API
def current(engine_or_url: EngineOrUrl = None) -> str | None:
    """The database's revision (None: no version table, or downgraded to base)."""
    with _engine(engine_or_url) as engine, engine.connect() as conn:
        return _version(conn)


def upgrade(engine_or_url: EngineOrUrl = None, revision: str = "head") -> str | None:
    """Upgrade the project's tables to ``revision`` (a database made before migrations is first
    recognised and recorded). Cheap when already there. Returns the revision now current."""
    with _engine(engine_or_url) as engine:
        if revision == "head":
            now = current(engine)
            if now == head():
                return now
        with _locked(engine) as conn:
            cfg = _config(conn)
            before = _version(conn) or _adopt(cfg, conn)
            command.upgrade(cfg, revision)
            after = _version(conn)
        if after != before:
            logger.info("project tables upgraded from %s to %s", before or "an empty database", after)
        return after


def downgrade(revision: str, engine_or_url: EngineOrUrl = None) -> str | None:
    """Downgrade the project's tables to ``revision`` (``base``: drop them all, and the version
    table). Only our tables and columns are dropped, never Rasa's ``events``."""
    with _engine(engine_or_url) as engine:
        with _locked(engine) as conn:
            cfg = _config(conn)
            before = _version(conn) or _adopt(cfg, conn)
            command.downgrade(cfg, revision)
            after = _version(conn)
            if after is None:
                Table(VERSION_TABLE, MetaData()).drop(conn, checkfirst=True)
        logger.info("project tables downgraded from %s to %s", before or "an empty database", after or "base")
        return after


def diff(engine_or_url: EngineOrUrl = None) -> list[Any]:
    """What autogenerate finds between the database and the code's tables (empty: they agree).
    Only our tables are compared."""
    from alembic.autogenerate import compare_metadata

    with _engine(engine_or_url) as engine, engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={
            "version_table": VERSION_TABLE, "target_metadata": metadata, "include_name": include_name,
            "include_object": include_object, "compare_type": True,
        })
        return list(compare_metadata(ctx, metadata))


# ------------------------------------------------------------------ databases made by create_all
@cache
def _schema_at(revision: str) -> dict[str, frozenset[str]]:
    """Our tables and their columns at ``revision``, from the revisions themselves (run on an
    in-memory SQLite database)."""
    engine = create_engine("sqlite://")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("BEGIN")
            command.upgrade(_config(conn), revision)
            insp = inspect(conn)
            schema = {t: frozenset(c["name"] for c in insp.get_columns(t)) for t in insp.get_table_names() if t != VERSION_TABLE}
            conn.rollback()
        return schema
    finally:
        engine.dispose()


def _adopt(cfg: Config, conn: Connection) -> str | None:
    """A database with our tables but no version table: record the revision they match (creating
    the ones of that revision it lacks). Returns that revision; None for a database without any
    of our tables."""
    insp = inspect(conn)
    names = [t for t in insp.get_table_names() if is_ours(t)]
    if not names:
        return None
    known = {t for rev in LEGACY_REVISIONS for t in _schema_at(rev)}
    present = {t: frozenset(c["name"] for c in insp.get_columns(t)) for t in names if t in known}
    if not present:
        return None
    for rev in LEGACY_REVISIONS:  # the oldest that fits: later revisions then run as they should
        schema = _schema_at(rev)
        if all(schema.get(t) == cols for t, cols in present.items()):
            break
    else:
        newest = _schema_at(LEGACY_REVISIONS[-1])
        odd = "; ".join(
            f"{t}: has {sorted(cols)}, expected {sorted(newest.get(t, ()))}"
            for t, cols in sorted(present.items()) if newest.get(t) != cols
        )
        raise SchemaError(f"the project's tables match no known revision, nothing changed ({odd})")
    missing = sorted(set(schema) - set(present))
    if missing:
        cfg.attributes["existing_tables"] = frozenset(present)
        try:
            command.upgrade(cfg, rev)
        finally:
            del cfg.attributes["existing_tables"]
    else:
        command.stamp(cfg, rev)
    logger.info("tables made before migrations match revision %s: recorded it%s", rev,
                f", created the missing {', '.join(missing)}" if missing else "")
    return rev


def keep_existing_tables(impl: Any, existing: Collection[str]) -> None:
    """Used by ``env.py`` while :func:`_adopt` records a revision: the revisions replayed create
    only the tables the database lacks (with their indexes); the existing ones already match that
    revision and are kept as they are. Any other change to an existing table is refused."""
    create_table, create_index = impl.create_table, impl.create_index

    def keep_table(table: Table, **kw: Any) -> None:
        if table.name not in existing:
            create_table(table, **kw)

    def keep_index(index: Any, **kw: Any) -> None:
        if index.table is None or index.table.name not in existing:
            create_index(index, **kw)

    def refuse(name: str, table_of: Any) -> None:
        original = getattr(impl, name)

        def guarded(*args: Any, **kw: Any) -> None:
            if table_of(args[0]) in existing:
                raise SchemaError(f"a revision replayed for a database made before migrations would {name} on {table_of(args[0])}")
            original(*args, **kw)

        setattr(impl, name, guarded)

    impl.create_table, impl.create_index = keep_table, keep_index
    for name in ("alter_column", "add_column", "drop_column", "rename_table"):
        refuse(name, lambda arg: arg)
    refuse("drop_table", lambda table: table.name)
    for name in ("drop_index", "add_constraint", "drop_constraint"):
        refuse(name, lambda obj: obj.table.name if getattr(obj, "table", None) is not None else None)


# ------------------------------------------------------------------ for maintainers
def draft(message: str) -> Path:
    """Write an autogenerate DRAFT of the next revision (what the code's tables have that the
    newest revision has not), compared on a throw-away SQLite database at head, never the live
    one. Review it by hand: spell out the tables, check both directions, test on PostgreSQL too."""
    import re
    import tempfile

    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:24] or "change"
    rev_id = f"{len(list(_script().walk_revisions())) + 1:04d}_{slug}"
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/draft.db"
        upgrade(url)
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                cfg = _config(conn)
                cfg.set_main_option("file_template", "%%(rev)s")
                script = command.revision(cfg, message, autogenerate=True, rev_id=rev_id)
        finally:
            engine.dispose()
    _script.cache_clear()
    if script is None or isinstance(script, list):
        raise SchemaError("no draft written")
    return Path(script.path)


def ensure_schema(engine: Engine) -> None:
    """Bring the project's tables to the newest revision (what every service calls at start): an
    empty database gets them all, a database made before migrations is recognised and upgraded,
    one already there costs a single query. Several services may do it at once."""
    upgrade(engine)
