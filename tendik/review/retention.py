"""Retention: delete conversations whose last activity is older than N days, everywhere (Rasa's
events, the review index, judgements, votes: every table with a ``sender_id`` column)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, inspect, select, text

from tendik.review import tables as t
from tendik.review.sync import sync

logger = logging.getLogger(__name__)

CHUNK = 500


@dataclass
class RetentionResult:
    cutoff: float
    conversations: int = 0
    deleted: dict[str, int] = field(default_factory=dict)


def expired_senders(engine: Engine, cutoff: float) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(
            select(t.conversations.c.sender_id).where(t.conversations.c.last_ts < cutoff).order_by(t.conversations.c.sender_id))]


def purge(engine: Engine, days: int, dry_run: bool = False, now: float | None = None) -> RetentionResult:
    if days < 1:
        raise ValueError("retention needs at least 1 day")
    sync(engine)  # index every conversation first, so none escapes
    cutoff = (now or time.time()) - days * 86400
    senders = expired_senders(engine, cutoff)
    result = RetentionResult(cutoff=cutoff, conversations=len(senders))
    if dry_run or not senders:
        if dry_run and senders:
            with engine.connect() as conn:
                n = conn.execute(select(func.count()).select_from(t.conversations).where(t.conversations.c.last_ts < cutoff)).scalar()
            result.conversations = int(n or 0)
        return result
    insp = inspect(engine)
    tables = [tb for tb in insp.get_table_names() if "sender_id" in {c["name"] for c in insp.get_columns(tb)}]
    quote = engine.dialect.identifier_preparer.quote
    for i in range(0, len(senders), CHUNK):
        chunk = senders[i : i + CHUNK]
        params = {f"s{j}": s for j, s in enumerate(chunk)}
        placeholders = ", ".join(f":s{j}" for j in range(len(chunk)))
        with engine.begin() as conn:
            for table in tables:
                n = conn.execute(text(f"DELETE FROM {quote(table)} WHERE sender_id IN ({placeholders})"), params).rowcount
                if n:
                    result.deleted[table] = result.deleted.get(table, 0) + n
    logger.info("retention: deleted %d conversations older than %d days: %s", len(senders), days, result.deleted)
    return result
