"""A web conversation read back from the database, so the widget can restore it after a reload.

Why the database and not the browser or Rasa's HTTP API: the service already shares the database
with Rasa (votes, "delete my data"), so the history stays available while Rasa restarts, needs no
access to Rasa's unauthenticated HTTP API, and shows exactly what is stored (user text as the
channel redacted it; nothing survives "delete my conversation"). The browser keeps only the
conversation id. The rows are Rasa's SQL tracker store (table ``events``: ``type_name`` and the
serialized event in ``data``), the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import Engine, inspect, select, text

from tendik.common.db import TRACKER_TABLE
from tendik.common.feedback import feedback
from tendik.common.rasa_client import parse_reply
from tendik.web.present import message_json, user_json

logger = logging.getLogger(__name__)


def _tracker_exists(engine: Engine) -> bool:
    return inspect(engine).has_table(TRACKER_TABLE)


def _events(engine: Engine, sender_id: str) -> list[dict[str, Any]]:
    if not _tracker_exists(engine):
        return []
    out = []
    with engine.connect() as conn:
        rows = conn.execute(
            text(f"SELECT type_name, data FROM {TRACKER_TABLE} WHERE sender_id = :s AND type_name IN ('user', 'bot') ORDER BY id"),
            {"s": sender_id},
        )
        for type_name, data in rows:
            try:
                event = json.loads(data or "{}")
            except ValueError:
                logger.warning("history: skipped an unreadable %s event", type_name)
                continue
            if isinstance(event, dict):
                event["event"] = type_name
                out.append(event)
    return out


def _votes(engine: Engine, sender_id: str) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(select(feedback.c.answer_id, feedback.c.vote).where(feedback.c.sender_id == sender_id))
        return {answer_id: vote for answer_id, vote in rows}


def _bot_as_rest(event: dict[str, Any]) -> list[dict[str, Any]]:
    """A stored bot event in the REST channel's reply format (text+buttons, then the payload)."""
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    out: list[dict[str, Any]] = []
    if (isinstance(event.get("text"), str) and event["text"]) or data.get("buttons"):
        out.append({"text": event.get("text") or "", "buttons": data.get("buttons") or []})
    if isinstance(data.get("custom"), dict):
        out.append({"custom": data["custom"]})
    return out


def conversation(engine: Engine, sender_id: str, limit: int = 200) -> dict[str, Any]:
    """``{"messages": [...], "language": last language used or None}``, oldest first, at most
    ``limit`` messages. A button the user pressed is shown with its title, as it was in the chat."""
    events = _events(engine, sender_id)
    votes = _votes(engine, sender_id)
    messages: list[dict[str, Any]] = []
    language = None
    offered: dict[str, str] = {}  # payload -> title of the buttons last shown
    pending: list[dict[str, Any]] = []

    def flush() -> None:
        for m in parse_reply(pending):
            messages.append(message_json(m, votes.get(m.answer_id or "")))
        pending.clear()

    for event in events:
        if event["event"] == "bot":
            rest = _bot_as_rest(event)
            pending.extend(rest)
            for r in rest:
                for b in r.get("buttons") or []:
                    if isinstance(b, dict) and b.get("payload") and b.get("title"):
                        offered[str(b["payload"])] = str(b["title"])
            continue
        flush()
        meta = event.get("metadata") if isinstance(event.get("metadata"), dict) else {}
        lang = meta.get("language") if meta.get("language") in ("kk", "ru") else None
        language = lang or language
        said = event.get("text") if isinstance(event.get("text"), str) else ""
        if not said:
            continue
        shown = offered.get(said, said)
        msg = user_json(shown, lang)
        if shown != said:
            msg["payload"] = said
        messages.append(msg)
    flush()
    return {"messages": messages[-limit:], "language": language}


def has_answer(engine: Engine, sender_id: str, answer_id: str) -> bool:
    """Whether the bot gave the answer ``answer_id`` in this conversation."""
    if not _tracker_exists(engine):
        return False
    with engine.connect() as conn:
        rows = conn.execute(
            text(f"SELECT data FROM {TRACKER_TABLE} WHERE sender_id = :s AND type_name = 'bot' AND data LIKE :p"),
            {"s": sender_id, "p": f"%{answer_id}%"},
        )
        for (data,) in rows:
            try:
                custom = (json.loads(data or "{}").get("data") or {}).get("custom") or {}
            except (ValueError, AttributeError):
                continue
            if isinstance(custom, dict) and custom.get("answer_id") == answer_id:
                return True
    return False
