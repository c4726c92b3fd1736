"""Rasa's tracker store as the review app sees it: a conversation's events grouped into turns (a
user message, its intent and confidence, and everything the assistant did in reply).

The events are read by :mod:`tendik.common.events` (the project's one reader of Rasa's ``events``
table, the same on SQLite and PostgreSQL; malformed rows are skipped, never fatal); this module
only interprets them. The texts returned here are as stored: :mod:`tendik.review.views` masks
personal data on output.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from tendik.common.events import BotReply, Event, bot_reply, conversation_events, events, tracker_exists

# ``events``, ``Event``, ``BotReply`` and ``tracker_exists`` are re-exported for the review app's
# modules, tests and benchmark.
__all__ = [
    "QUIET_ACTIONS", "BotReply", "Event", "Turn", "events", "parse_turns", "read_turns", "slot_fields", "tracker_exists",
    "user_fields",
]

# Actions that are bookkeeping, not something the bot did for the user.
QUIET_ACTIONS = {"action_listen", "action_session_start", "action_detect_language"}


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


def user_fields(ev: Event) -> dict[str, Any]:
    """What a ``user`` event says: text, intent, confidence, ranking, channel, language, metadata."""
    d = ev.data
    parse = d.get("parse_data") if isinstance(d.get("parse_data"), dict) else {}
    intent = parse.get("intent") if isinstance(parse.get("intent"), dict) else {}
    meta = ev.metadata
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
    return {
        "text": ev.text,
        "intent": intent.get("name") if isinstance(intent.get("name"), str) else ev.intent,
        "confidence": confidence,
        "ranking": ranking,
        "channel": channel or "",
        "language": language,
        "metadata": {k: v for k, v in meta.items() if isinstance(v, (str, int, float))},
    }


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
            current.replies.append(bot_reply(ev))
    return turns


def read_turns(conn: Connection, sender_id: str) -> list[Turn]:
    """One conversation's turns, oldest first."""
    return parse_turns(conversation_events(conn, sender_id))
