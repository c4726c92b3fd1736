"""The project's tables as the code declares them today (the target the newest revision must
equal), and the one rule for which tables are ours.

Importing this module registers every table on :data:`tendik.common.db.metadata`. Migration
revisions never import it: each one spells out its own tables, frozen as they were.
"""

from __future__ import annotations

from typing import Any

from tendik.common import feedback as _feedback  # noqa: F401  registers tendik_feedback
from tendik.common.db import TRACKER_TABLE, metadata
from tendik.handoff import tables as _handoff_tables  # noqa: F401  registers tendik_handoff*, tendik_audit
from tendik.learning import tables as _learning_tables  # noqa: F401  registers tendik_learn_*
from tendik.review import tables as _review_tables  # noqa: F401  registers review_*
from tendik.telegram import storage as _telegram_storage  # noqa: F401  registers tendik_tg_*

__all__ = ["VERSION_TABLE", "include_name", "include_object", "is_ours", "metadata"]

# Alembic's version table: a name no other program sharing the database (Rasa) uses.
VERSION_TABLE = "tendik_alembic_version"
OUR_PREFIXES = ("tendik_", "review_")
# Made at run time outside the migrations: the optional pg_trgm index for the review search
# (tendik.review.queries.ensure_search_index; skipped where the extension is not allowed).
RUNTIME_INDEXES = frozenset({"ix_review_conv_search_trgm"})


def is_ours(table: str) -> bool:
    """A table of this project (declared today, or with one of our prefixes); never Rasa's
    ``events`` nor Alembic's version table."""
    if table in (TRACKER_TABLE, VERSION_TABLE):
        return False
    return table in metadata.tables or table.startswith(OUR_PREFIXES)


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's reflection filter: only our tables are even read from the database."""
    if type_ == "table":
        return name is not None and is_ours(name)
    if type_ == "index":
        return name not in RUNTIME_INDEXES
    return True


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's comparison filter (autogenerate, ``check``): only our tables and their parts."""
    if type_ == "table":
        return name is not None and is_ours(name)
    if type_ == "index":
        return name not in RUNTIME_INDEXES
    return True
