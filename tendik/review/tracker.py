"""Read Rasa's SQL tracker store (table ``events``) and turn its events into conversation turns.

Works the same on SQLite and PostgreSQL: only SQLAlchemy Core, Rasa's exact column names
(id, sender_id, type_name, timestamp, intent_name, action_name, data) and JSON parsed in Python.
Malformed rows (bad JSON, missing keys, another writer's events) are skipped, never fatal.

The texts returned here are as stored; :mod:`tendik.review.views` masks personal data on output.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Connection, Engine, Float, Integer, MetaData, String, Table, Text, inspect, select

from tendik.common.db import TRACKER_TABLE

logger = logging.getLogger(__name__)

# Rasa's own table, described here (not on the project's metadata: Rasa creates it).
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

# Actions that are bookkeeping, not something the bot did for the user.
QUIET_ACTIONS = {"action_listen", "action_session_start", "action_detect_language"}


@dataclass
class Event:
    id: int
    sender_id: str
    type: str
    ts: float
    intent: str | None
    action: str | None
    data: dict[str, Any]


@dataclass
class BotReply:
    event_id: int
    ts: float
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    answer: dict[str, Any] | None = None  # the tendik_answer payload, if any


@dataclass
class Turn:
    """A user message and everything the assistant did in reply (or, with ``user_event_id`` None,
    what the assistant said before the first message)."""

    user_event_id: int | None
    ts: float
    text: str = ""
    intent: str | None = None
    confidence: float | None = None
    ranking: list[tuple[str, float]] = field(default_factory=list)
    channel: str = ""
    language: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    replies: list[BotReply] = field(default_factory=list)

    @property
    def answer(self) -> dict[str, Any] | None:
        for r in self.replies:
            if r.answer:
                return r.answer
        return None

    @property
    def is_payload(self) -> bool:
        """A button press (``/ask_equal_pay``): the intent was given, not predicted."""
        return self.text.startswith("/")

    @property
    def fallback(self) -> bool:
        return self.intent == "nlu_fallback" or "action_default_fallback" in self.actions


def tracker_exists(engine_or_conn: Engine | Connection) -> bool:
    return inspect(engine_or_conn).has_table(TRACKER_TABLE)


def _event(row: Any) -> Event | None:
    try:
        data = json.loads(row.data) if row.data else {}
    except (TypeError, ValueError):
        logger.warning("tracker: event %s has malformed JSON; skipped", row.id)
        return None
    if not isinstance(data, dict):
        return None
    ts = row.timestamp if row.timestamp is not None else float(data.get("timestamp") or 0.0)
    return Event(
        id=int(row.id), sender_id=str(row.sender_id), type=str(row.type_name), ts=float(ts),
        intent=row.intent_name, action=row.action_name, data=data,
    )


def read_events(conn: Connection, sender_id: str) -> list[Event]:
    """Every event of one conversation, oldest first."""
    rows = conn.execute(select(events).where(events.c.sender_id == sender_id).order_by(events.c.id))
    return [e for e in map(_event, rows) if e is not None]


def iter_new_events(conn: Connection, after_id: int, limit: int) -> list[Event]:
    """Up to ``limit`` events with ``id > after_id`` (every conversation), in id order."""
    rows = conn.execute(select(events).where(events.c.id > after_id).order_by(events.c.id).limit(limit))
    return [e for e in map(_event, rows) if e is not None]


def max_event_id(conn: Connection) -> int:
    from sqlalchemy import func

    return int(conn.execute(select(func.max(events.c.id))).scalar() or 0)


def user_fields(ev: Event) -> dict[str, Any]:
    """What a ``user`` event says: text, intent, confidence, ranking, channel, language, metadata."""
    d = ev.data
    parse = d.get("parse_data") if isinstance(d.get("parse_data"), dict) else {}
    intent = parse.get("intent") if isinstance(parse.get("intent"), dict) else {}
    meta = d.get("metadata") if isinstance(d.get("metadata"), dict) else {}
    pmeta = parse.get("metadata") if isinstance(parse.get("metadata"), dict) else {}
    meta = {**pmeta, **{k: v for k, v in meta.items() if k not in ("model_id", "assistant_id")}}
    ranking = []
    for r in parse.get("intent_ranking") or []:
        if isinstance(r, dict) and isinstance(r.get("name"), str):
            try:
                ranking.append((r["name"], float(r.get("confidence") or 0.0)))
            except (TypeError, ValueError):
                continue
    try:
        confidence = float(intent["confidence"]) if intent.get("confidence") is not None else None
    except (TypeError, ValueError):
        confidence = None
    channel = meta.get("channel") if isinstance(meta.get("channel"), str) else None
    if not channel:
        channel = d.get("input_channel") if isinstance(d.get("input_channel"), str) else ""
    language = meta.get("language") if meta.get("language") in ("kk", "ru") else ""
    text = d.get("text") if isinstance(d.get("text"), str) else ""
    return {
        "text": text,
        "intent": intent.get("name") if isinstance(intent.get("name"), str) else ev.intent,
        "confidence": confidence,
        "ranking": ranking,
        "channel": channel or "",
        "language": language,
        "metadata": {k: v for k, v in meta.items() if isinstance(v, (str, int, float))},
    }


def bot_fields(ev: Event) -> BotReply:
    d = ev.data
    inner = d.get("data") if isinstance(d.get("data"), dict) else {}
    custom = inner.get("custom") if isinstance(inner.get("custom"), dict) else None
    answer = custom if custom and custom.get("type") == "tendik_answer" else None
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in inner.get("buttons") or []
        if isinstance(b, dict)
    ]
    text = d.get("text") if isinstance(d.get("text"), str) else ""
    return BotReply(event_id=ev.id, ts=ev.ts, text=text, buttons=buttons, answer=answer)


def slot_fields(ev: Event) -> tuple[str | None, Any]:
    name = ev.data.get("name")
    return (name if isinstance(name, str) else None), ev.data.get("value")


def parse_turns(evs: Iterable[Event]) -> list[Turn]:
    """Group a conversation's events into turns (user message + the assistant's reply)."""
    turns: list[Turn] = []
    current: Turn | None = None
    language = ""
    for ev in evs:
        if ev.type == "user":
            f = user_fields(ev)
            current = Turn(
                user_event_id=ev.id, ts=ev.ts, text=f["text"], intent=f["intent"], confidence=f["confidence"],
                ranking=f["ranking"], channel=f["channel"], language=f["language"] or language, metadata=f["metadata"],
            )
            turns.append(current)
        elif ev.type == "slot":
            name, value = slot_fields(ev)
            if name == "language" and value in ("kk", "ru"):
                language = value
                if current is not None:
                    current.language = value
        elif ev.type == "action":
            name = ev.action or ev.data.get("name")
            if isinstance(name, str) and name not in QUIET_ACTIONS:
                if current is None:
                    current = Turn(user_event_id=None, ts=ev.ts, language=language)
                    turns.append(current)
                current.actions.append(name)
        elif ev.type == "bot":
            if current is None:
                current = Turn(user_event_id=None, ts=ev.ts, language=language)
                turns.append(current)
            current.replies.append(bot_fields(ev))
    return turns


def read_turns(conn: Connection, sender_id: str) -> list[Turn]:
    return parse_turns(read_events(conn, sender_id))


def senders(conn: Connection) -> Iterator[str]:
    for (s,) in conn.execute(select(events.c.sender_id).distinct()):
        yield s
