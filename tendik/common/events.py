"""The one reader of Rasa's SQL tracker store (table ``events``), for the widget's history and the
review app.

Works the same on SQLite and PostgreSQL: SQLAlchemy Core on Rasa's exact column names (id,
sender_id, type_name, timestamp, intent_name, action_name, data) and the serialized event parsed in
Python. Rasa creates and writes the table; nothing here writes it. Malformed rows (bad JSON, JSON
that is not an object, another writer's events) are skipped with a warning naming only the row id,
never fatal. Texts are returned as stored: whoever shows them masks personal data
(:func:`tendik.redact.redact`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Connection, Engine, Float, Integer, MetaData, String, Table, Text, func, inspect, select

from tendik.common.db import TRACKER_TABLE

__all__ = [
    "ANSWER_TYPE", "BotReply", "Event", "answer_given", "bot_reply", "conversation_events", "events", "events_after",
    "max_event_id", "senders", "tracker_exists",
]

logger = logging.getLogger(__name__)

# The ``custom`` payload of a legal answer (``tendik.answers.Answer.payload``).
ANSWER_TYPE = "tendik_answer"

# Rasa's own table, described here (not on the project's metadata: Rasa creates it, the project's
# migrations never touch it).
_rasa_metadata = MetaData()
events = Table(
    TRACKER_TABLE,
    _rasa_metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


@dataclass
class Event:
    """One stored event: ``type`` is Rasa's ``type_name`` (user, bot, action, slot, ...) and
    ``data`` the whole serialized event (always a dict)."""

    id: int
    sender_id: str
    type: str
    ts: float
    intent: str | None
    action: str | None
    data: dict[str, Any]

    @property
    def text(self) -> str:
        """The text of a ``user`` or ``bot`` event ('' if none)."""
        value = self.data.get("text")
        return value if isinstance(value, str) else ""

    @property
    def metadata(self) -> dict[str, Any]:
        """The message's metadata as the channel sent it (a ``user`` event; {} if none)."""
        value = self.data.get("metadata")
        return value if isinstance(value, dict) else {}


@dataclass
class BotReply:
    """What a ``bot`` event said: text, buttons (title and payload as strings) and the ``custom``
    payload, which for a legal answer is the ``tendik_answer`` (:attr:`answer`)."""

    event_id: int
    ts: float
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    custom: dict[str, Any] | None = None

    @property
    def answer(self) -> dict[str, Any] | None:
        """The legal answer's payload (answer id, knowledge ids, citations, scores), if any."""
        return self.custom if self.custom and self.custom.get("type") == ANSWER_TYPE else None


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def bot_reply(ev: Event) -> BotReply:
    """A ``bot`` event as a :class:`BotReply` (garbage fields become empty)."""
    data = ev.data.get("data")
    inner: dict[str, Any] = data if isinstance(data, dict) else {}
    custom = inner.get("custom") if isinstance(inner.get("custom"), dict) else None
    listed = inner.get("buttons")
    buttons = [
        {"title": _str(b.get("title")), "payload": _str(b.get("payload"))}
        for b in (listed if isinstance(listed, list) else [])
        if isinstance(b, dict)
    ]
    return BotReply(event_id=ev.id, ts=ev.ts, text=ev.text, buttons=buttons, custom=custom)


def tracker_exists(bind: Engine | Connection) -> bool:
    """Whether Rasa has created its table yet (it does on its first conversation)."""
    return inspect(bind).has_table(TRACKER_TABLE)


def _event(row: Any) -> Event | None:
    try:
        data = json.loads(row.data) if row.data else {}
    except (TypeError, ValueError):
        logger.warning("tracker: event %s has malformed JSON; skipped", row.id)
        return None
    if not isinstance(data, dict):
        logger.warning("tracker: event %s is not a JSON object; skipped", row.id)
        return None
    try:
        ts = float(row.timestamp if row.timestamp is not None else (data.get("timestamp") or 0.0))
    except (TypeError, ValueError):
        ts = 0.0
    return Event(
        id=int(row.id), sender_id=str(row.sender_id), type=str(row.type_name), ts=ts,
        intent=row.intent_name, action=row.action_name, data=data,
    )


def _of_types(query: Any, types: Collection[str] | None) -> Any:
    return query.where(events.c.type_name.in_(list(types))) if types is not None else query


def conversation_events(conn: Connection, sender_id: str, types: Collection[str] | None = None) -> list[Event]:
    """The events of one conversation, oldest first (only those of ``types``, e.g. ``("user",
    "bot")``, if given)."""
    query = _of_types(select(events).where(events.c.sender_id == sender_id), types).order_by(events.c.id)
    return [e for e in map(_event, conn.execute(query)) if e is not None]


def events_after(conn: Connection, after_id: int, limit: int, types: Collection[str] | None = None) -> list[Event]:
    """Up to ``limit`` events of every conversation with ``id > after_id``, in id order (for
    incremental readers: the last id returned is the next ``after_id``). Skipped malformed rows
    are not returned, so the last id may be below the last row read: harmless, it is re-read."""
    query = _of_types(select(events).where(events.c.id > after_id), types).order_by(events.c.id).limit(limit)
    return [e for e in map(_event, conn.execute(query)) if e is not None]


def max_event_id(conn: Connection) -> int:
    return int(conn.execute(select(func.max(events.c.id))).scalar() or 0)


def senders(conn: Connection) -> Iterator[str]:
    """Every conversation (sender id) in the store."""
    for (s,) in conn.execute(select(events.c.sender_id).distinct()):
        yield s


def answer_given(conn: Connection, sender_id: str, answer_id: str) -> bool:
    """Whether the bot gave the legal answer ``answer_id`` in this conversation."""
    if not answer_id:
        return False
    query = (
        select(events)
        .where(events.c.sender_id == sender_id, events.c.type_name == "bot", events.c.data.contains(answer_id, autoescape=True))
        .order_by(events.c.id)
    )
    for ev in map(_event, conn.execute(query)):
        if ev is not None and (answer := bot_reply(ev).answer) and answer.get("answer_id") == answer_id:
            return True
    return False
