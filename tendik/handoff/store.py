"""The handoff queue and threads on the shared database (SQLite or PostgreSQL; tables in :mod:`.tables`).

Concurrency: claiming, closing and delivering are single conditional UPDATEs, so two operators (or
two bot replicas) racing for the same case or line: exactly one wins. The user's messages are stored
redacted (:func:`tendik.redact.redact`); nothing here logs user or operator text.
"""

from __future__ import annotations

import json
import logging
import statistics
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, func, insert, select, update

from tendik.handoff.tables import audit, handoffs, messages, notes
from tendik.redact import redact

logger = logging.getLogger(__name__)

WAITING, CLAIMED, CLOSED, CANCELLED = "waiting", "claimed", "closed", "cancelled"
OPEN = (WAITING, CLAIMED)
STATUSES = (WAITING, CLAIMED, CLOSED, CANCELLED)
CHANNELS = ("telegram", "web", "rest")
TEXT_MAX = 4000
NOTE_MAX = 4000


class HandoffError(ValueError):
    """An operation the case's state does not allow (``reason``: not_found, not_open, not_yours)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Case:
    id: str
    sender_id: str
    channel: str
    chat_id: int | None
    language: str
    status: str
    summary: dict[str, Any]
    contact: str | None
    created_at: float
    claimed_at: float | None
    claimed_by: str | None
    closed_at: float | None
    closed_by: str | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


@dataclass(frozen=True)
class Line:
    id: int
    handoff_id: str
    author: str  # user | operator | system
    operator: str | None
    kind: str  # text | claimed | closed | cancelled
    text: str
    created_at: float
    delivered_at: float | None


def _case(row: Any) -> Case:
    try:
        summary = json.loads(row.summary)
    except (TypeError, ValueError):
        summary = {}
    return Case(row.id, row.sender_id, row.channel, row.chat_id, row.language, row.status,
                summary if isinstance(summary, dict) else {}, row.contact, row.created_at, row.claimed_at,
                row.claimed_by, row.closed_at, row.closed_by)


def _line(row: Any) -> Line:
    return Line(row.id, row.handoff_id, row.author, row.operator, row.kind, row.text, row.created_at, row.delivered_at)


def _now(now: float | None) -> float:
    return time.time() if now is None else now


# ---------------------------------------------------------------- the user's side (front ends)
def open_case(engine: Engine, *, sender_id: str, channel: str, language: str, summary: Mapping[str, Any],
              chat_id: int | None = None, contact: str | None = None, now: float | None = None) -> tuple[Case, bool]:
    """Opens a case for the user (or returns the one already open: one case at a time):
    (case, whether it was created now)."""
    existing = open_case_for(engine, sender_id)
    if existing:
        return existing, False
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    case_id = uuid.uuid4().hex
    at = _now(now)
    with engine.begin() as conn:
        conn.execute(insert(handoffs).values(
            id=case_id, sender_id=sender_id, channel=channel, chat_id=chat_id, language=language if language in ("kk", "ru") else "ru",
            status=WAITING, summary=json.dumps(dict(summary), ensure_ascii=False), contact=(contact or None) and contact[:200],
            created_at=at))
    logger.info("handoff %s opened (%s, %s)", case_id[:8], channel, "with contact" if contact else "no contact")
    case = get(engine, case_id)
    assert case is not None
    return case, True


def open_case_for(engine: Engine, sender_id: str) -> Case | None:
    with engine.connect() as conn:
        row = conn.execute(select(handoffs).where(and_(handoffs.c.sender_id == sender_id, handoffs.c.status.in_(OPEN)))
                           .order_by(handoffs.c.created_at.desc()).limit(1)).first()
    return _case(row) if row else None


def add_user_message(engine: Engine, case: Case, text: str, now: float | None = None) -> Line:
    """The user's message into the case's thread (redacted, at most TEXT_MAX characters)."""
    clean = redact(text.strip())[:TEXT_MAX]
    return _add_line(engine, case.id, case.sender_id, "user", None, "text", clean, _now(now), delivered=True)


def cancel(engine: Engine, sender_id: str, now: float | None = None) -> Case | None:
    """The user ends the handoff (the bot answers again). None when nothing was open."""
    case = open_case_for(engine, sender_id)
    if case is None:
        return None
    at = _now(now)
    with engine.begin() as conn:
        done = conn.execute(update(handoffs).where(and_(handoffs.c.id == case.id, handoffs.c.status.in_(OPEN)))
                            .values(status=CANCELLED, closed_at=at)).rowcount
    if done:
        _add_line(engine, case.id, case.sender_id, "system", None, "cancelled", "", at, delivered=True)
        logger.info("handoff %s cancelled by the user", case.id[:8])
    return get(engine, case.id)


def waiting_estimate(engine: Engine, case: Case, sample: int = 20) -> tuple[int, float | None]:
    """(the case's place in the queue, the median time the last ``sample`` cases waited before an
    operator claimed them, in seconds; None before there is any)."""
    with engine.connect() as conn:
        ahead = conn.execute(select(func.count()).select_from(handoffs).where(
            and_(handoffs.c.status == WAITING, handoffs.c.created_at < case.created_at))).scalar_one()
        rows = conn.execute(select(handoffs.c.created_at, handoffs.c.claimed_at).where(handoffs.c.claimed_at.is_not(None))
                            .order_by(handoffs.c.claimed_at.desc()).limit(sample)).all()
    waits = [r.claimed_at - r.created_at for r in rows]
    return int(ahead) + 1, (statistics.median(waits) if waits else None)


def undelivered(engine: Engine, channel: str, limit: int = 100) -> list[tuple[Case, Line]]:
    """Operator replies and system lines (claimed, closed) not yet delivered to users of ``channel``,
    oldest first, each with its case."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(messages, handoffs.c.channel).join(handoffs, handoffs.c.id == messages.c.handoff_id)
            .where(and_(messages.c.delivered_at.is_(None), messages.c.author.in_(("operator", "system")), handoffs.c.channel == channel))
            .order_by(messages.c.id).limit(limit)).all()
        ids = {r.handoff_id for r in rows}
        cases = {row.id: _case(row) for row in conn.execute(select(handoffs).where(handoffs.c.id.in_(ids))).all()} if ids else {}
    return [(cases[r.handoff_id], _line(r)) for r in rows if r.handoff_id in cases]


def take_for_delivery(engine: Engine, line_id: int, now: float | None = None) -> bool:
    """Marks a line delivered before it is sent; False when another process took it first."""
    with engine.begin() as conn:
        return bool(conn.execute(update(messages).where(and_(messages.c.id == line_id, messages.c.delivered_at.is_(None)))
                                 .values(delivered_at=_now(now))).rowcount)


def give_back(engine: Engine, line_id: int) -> None:
    """A line that could not be sent goes back to the undelivered ones (sent again later)."""
    with engine.begin() as conn:
        conn.execute(update(messages).where(messages.c.id == line_id).values(delivered_at=None))


def user_lines(engine: Engine, sender_id: str, after_id: int = 0, limit: int = 200) -> list[Line]:
    """The thread lines of every case of this user after ``after_id`` (the widget's polling)."""
    with engine.connect() as conn:
        rows = conn.execute(select(messages).where(and_(messages.c.sender_id == sender_id, messages.c.id > after_id))
                            .order_by(messages.c.id).limit(limit)).all()
    return [_line(r) for r in rows]


# ---------------------------------------------------------------- the operators' side (review app)
def get(engine: Engine, case_id: str) -> Case | None:
    with engine.connect() as conn:
        row = conn.execute(select(handoffs).where(handoffs.c.id == case_id)).first()
    return _case(row) if row else None


def queue(engine: Engine, statuses: Sequence[str] = OPEN, limit: int = 200) -> list[Case]:
    with engine.connect() as conn:
        rows = conn.execute(select(handoffs).where(handoffs.c.status.in_(tuple(statuses)))
                            .order_by(handoffs.c.created_at).limit(limit)).all()
    return [_case(r) for r in rows]


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(handoffs.c.status, func.count()).group_by(handoffs.c.status)).all()
    return {status: int(n) for status, n in rows}


def _transition(engine: Engine, case_id: str, operator: str, action: str, kind: str, statuses: Sequence[str], at: float,
                **values: Any) -> bool:
    """One conditional UPDATE of a case in one of ``statuses`` (so of racing operators exactly one
    wins); the winner's system line (``kind``: claimed, closed) for the user and its audit line
    (``action``: claim, close)."""
    with engine.begin() as conn:
        won = bool(conn.execute(update(handoffs).where(and_(handoffs.c.id == case_id, handoffs.c.status.in_(tuple(statuses))))
                                .values(**values)).rowcount)
    if won:
        case = get(engine, case_id)
        assert case is not None
        _add_line(engine, case_id, case.sender_id, "system", operator, kind, "", at)
        log(engine, operator, action, case_id)
    return won


def claim(engine: Engine, case_id: str, operator: str, now: float | None = None) -> bool:
    """The operator takes a waiting case; False when it is not waiting (another operator was first)."""
    at = _now(now)
    return _transition(engine, case_id, operator, "claim", "claimed", (WAITING,), at, status=CLAIMED, claimed_at=at, claimed_by=operator)


def reply(engine: Engine, case_id: str, operator: str, text: str, now: float | None = None) -> Line:
    """The operator's reply (to be delivered to the user); only by the operator who claimed the case."""
    case = get(engine, case_id)
    if case is None:
        raise HandoffError("not_found")
    if case.status != CLAIMED:
        raise HandoffError("not_open")
    if case.claimed_by != operator:
        raise HandoffError("not_yours")
    body = text.strip()[:TEXT_MAX]
    if not body:
        raise HandoffError("empty")
    line = _add_line(engine, case_id, case.sender_id, "operator", operator, "text", body, _now(now))
    log(engine, operator, "reply", case_id, f"{len(body)} characters")
    return line


def close(engine: Engine, case_id: str, operator: str, now: float | None = None) -> bool:
    """Closes an open case (the bot answers the user again); False when it was not open."""
    at = _now(now)
    return _transition(engine, case_id, operator, "close", "closed", OPEN, at, status=CLOSED, closed_at=at, closed_by=operator)


def add_note(engine: Engine, case_id: str, operator: str, text: str, now: float | None = None) -> None:
    case = get(engine, case_id)
    if case is None:
        raise HandoffError("not_found")
    body = text.strip()[:NOTE_MAX]
    if not body:
        raise HandoffError("empty")
    with engine.begin() as conn:
        conn.execute(insert(notes).values(handoff_id=case_id, sender_id=case.sender_id, operator=operator, text=body, created_at=_now(now)))
    log(engine, operator, "note", case_id)


def notes_for(engine: Engine, case_id: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(notes).where(notes.c.handoff_id == case_id).order_by(notes.c.id)).all()
    return [{"operator": r.operator, "text": r.text, "created_at": r.created_at} for r in rows]


def thread(engine: Engine, case_id: str) -> list[Line]:
    with engine.connect() as conn:
        rows = conn.execute(select(messages).where(messages.c.handoff_id == case_id).order_by(messages.c.id)).all()
    return [_line(r) for r in rows]


def log(engine: Engine, actor: str, action: str, case_id: str | None = None, detail: str | None = None, now: float | None = None) -> None:
    """One audit line: who did what to which case (never user text)."""
    with engine.begin() as conn:
        conn.execute(insert(audit).values(at=_now(now), actor=actor[:64], action=action[:16], handoff_id=case_id,
                                          detail=(detail or None) and detail[:200]))


def audit_log(engine: Engine, limit: int = 500, case_id: str | None = None) -> list[dict[str, Any]]:
    query = select(audit).order_by(audit.c.id.desc()).limit(limit)
    if case_id:
        query = query.where(audit.c.handoff_id == case_id)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query).all()]


def _add_line(engine: Engine, case_id: str, sender_id: str, author: str, operator: str | None, kind: str, text: str, at: float,
              delivered: bool = False) -> Line:
    with engine.begin() as conn:
        result = conn.execute(insert(messages).values(
            handoff_id=case_id, sender_id=sender_id, author=author, operator=operator, kind=kind, text=text, created_at=at,
            delivered_at=at if delivered else None))
        line_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    return Line(line_id, case_id, author, operator, kind, text, at, at if delivered else None)


def ids(lines: Iterable[Line]) -> list[int]:
    return [line.id for line in lines]
