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
from typing import Any

from sqlalchemy import Engine, select

from tendik.common import events as tracker
from tendik.common.feedback import feedback
from tendik.common.rasa_client import parse_reply
from tendik.payload import DraftOrder
from tendik.web.present import button_title, messages_json, user_json


def _events(engine: Engine, sender_id: str) -> list[tracker.Event]:
    if not tracker.tracker_exists(engine):
        return []
    with engine.connect() as conn:
        return tracker.conversation_events(conn, sender_id, types=("user", "bot"))


def _votes(engine: Engine, sender_id: str) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(select(feedback.c.answer_id, feedback.c.vote).where(feedback.c.sender_id == sender_id))
        return {answer_id: vote for answer_id, vote in rows}


def _bot_as_rest(event: tracker.Event) -> list[dict[str, Any]]:
    """A stored bot event in the REST channel's reply format (text+buttons, then the payload)."""
    reply = tracker.bot_reply(event)
    out: list[dict[str, Any]] = []
    if reply.text or reply.buttons:
        out.append({"text": reply.text, "buttons": reply.buttons})
    if reply.custom is not None:
        out.append({"custom": reply.custom})
    return out


def conversation(engine: Engine, sender_id: str, limit: int = 200,
                 thread: list[tuple[float, dict[str, Any]]] | None = None) -> dict[str, Any]:
    """``{"messages": [...], "language": last language used or None}``, oldest first, at most
    ``limit`` messages. A button the user pressed is shown with its title, as it was in the chat
    (a "more" button no longer offered: its view's title; any other unknown payload: not at all).
    ``thread``: (time, message) pairs shown among the stored events by time (a handoff's thread,
    :func:`tendik.web.handoff.history_lines`: those messages never went through Rasa)."""
    events = _events(engine, sender_id)
    extra = sorted(thread or [], key=lambda pair: pair[0])
    votes = _votes(engine, sender_id)
    messages: list[dict[str, Any]] = []
    language = None
    offered: dict[str, str] = {}  # payload -> title of the buttons last shown
    pending: list[dict[str, Any]] = []

    def flush() -> None:
        messages.extend(messages_json(parse_reply(pending), votes))
        pending.clear()

    def thread_until(ts: float | None) -> None:
        while extra and (ts is None or extra[0][0] <= ts):
            flush()
            messages.append(extra.pop(0)[1])

    for event in events:
        thread_until(event.ts)
        if event.type == "bot":
            rest = _bot_as_rest(event)
            pending.extend(rest)
            for r in rest:
                custom = r.get("custom")
                listed = custom.get("buttons") if isinstance(custom, dict) else None
                for b in [*(r.get("buttons") or []), *(listed if isinstance(listed, list) else [])]:
                    if isinstance(b, dict) and b.get("payload") and b.get("title"):
                        offered[str(b["payload"])] = str(b["title"])
            continue
        flush()
        lang = event.metadata.get("language") if event.metadata.get("language") in ("kk", "ru") else None
        language = lang or language
        said = event.text
        if not said:
            continue
        shown = button_title(said, offered, lang or language)
        if shown is None:
            continue  # a payload no button offered: never shown as raw JSON
        msg = user_json(shown, lang)
        if shown != said:
            msg["payload"] = said
        messages.append(msg)
    flush()
    thread_until(None)
    return {"messages": messages[-limit:], "language": language}


def has_answer(engine: Engine, sender_id: str, answer_id: str) -> bool:
    """Whether the bot gave the answer ``answer_id`` in this conversation."""
    if not tracker.tracker_exists(engine):
        return False
    with engine.connect() as conn:
        return tracker.answer_given(conn, sender_id, answer_id)


def draft_order(engine: Engine, sender_id: str, answer_id: str) -> DraftOrder | None:
    """The draft order of the bot message ``answer_id`` of this conversation (the ``draft`` of its
    custom payload), or None: no such message here (another conversation's included), no draft, or
    one that cannot be read. Read from the same store as :func:`conversation`."""
    if not answer_id or not tracker.tracker_exists(engine):
        return None
    query = (
        select(tracker.events.c.id, tracker.events.c.data)
        .where(tracker.events.c.sender_id == sender_id, tracker.events.c.type_name == "bot",
               tracker.events.c.data.contains(answer_id, autoescape=True))
        .order_by(tracker.events.c.id.desc())
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    for row in rows:
        try:
            data = json.loads(row.data) if row.data else None
        except (TypeError, ValueError):
            continue
        inner = data.get("data") if isinstance(data, dict) else None
        custom = inner.get("custom") if isinstance(inner, dict) else None
        if not isinstance(custom, dict) or custom.get("type") != tracker.ANSWER_TYPE or custom.get("answer_id") != answer_id:
            continue
        order = DraftOrder.from_dict(custom.get("draft"))
        if order is not None:
            return order
    return None
