"""Alembic's environment for the project's tables; run by :mod:`tendik.db.migrate` (never imported).

:mod:`tendik.db.migrate` passes the connection (already in a locked transaction) in
``config.attributes["connection"]``; without one (Alembic's own command line, offline ``--sql``)
the database is ``TENDIK_DB_URL``. Only our tables are compared (:mod:`tendik.db.models`), the
version table is ``tendik_alembic_version``, and Rasa's ``events`` is never looked at.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from tendik.db.models import VERSION_TABLE, include_name, include_object, metadata

config = context.config


def _configure(**kw: object) -> None:
    context.configure(
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        include_name=include_name,
        include_object=include_object,
        compare_type=True,
        render_as_batch=True,  # drafts that also work on SQLite (ALTER through a table copy)
        **kw,  # type: ignore[arg-type]
    )


def run_offline() -> None:
    """``--sql``: print the SQL instead of running it."""
    from tendik.common.config import default_db_url

    _configure(url=config.get_main_option("sqlalchemy.url") or default_db_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online(connection: Connection) -> None:
    _configure(connection=connection)
    existing = config.attributes.get("existing_tables")
    if existing:
        from tendik.db.migrate import keep_existing_tables

        keep_existing_tables(context.get_context().impl, existing)
    with context.begin_transaction():  # nothing when tendik.db.migrate holds the transaction
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
elif config.attributes.get("connection") is not None:
    run_online(config.attributes["connection"])
else:
    from tendik.common.config import default_db_url
    from tendik.common.db import make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url") or default_db_url())
    try:
        with engine.connect() as conn:
            run_online(conn)
            conn.commit()
    finally:
        engine.dispose()
