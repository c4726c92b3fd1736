"""Handing a widget conversation to a person (issue 14), the widget's side of the contract
(:mod:`tendik.handoff`, :class:`tendik.payload.HandoffOrder`):

* a bot reply carrying a handoff order opens the case (``channel="web"``) and is followed by where
  the user is: the place in the queue (with the usual waiting time when there is one) or, out of the
  operators' hours, when they are back; with the cancel button;
* while a case is open the user's messages go into its thread (redacted by the store), not to Rasa,
  and are acknowledged; a button pressed meanwhile is not forwarded (a polite word instead);
  ``/handoff_cancel`` ends the case and resumes the bot;
* the widget polls ``POST /api/handoff/updates`` while a case is open: the operators' replies and the
  system lines (claimed, closed) in the user's language, each delivered exactly once across replicas
  (``take_for_delivery`` before it is answered); "closed" resumes the bot (given back and tried
  again on the next poll when Rasa cannot be reached);
* the history after a reload shows the thread among the bot's messages (delivered lines only: the
  others come with the next poll).

Everything here that touches the database is synchronous (called in a thread). Nothing logs user or
operator text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from tendik.common.answer_payloads import read_answer
from tendik.common.rasa_client import BotMessage
from tendik.handoff import store
from tendik.handoff.hours import Hours
from tendik.handoff.tables import handoffs
from tendik.payload import AnswerPayload, HandoffOrder
from tendik.texts import text as catalog_text

logger = logging.getLogger(__name__)

CHANNEL = "web"
CANCEL = "/handoff_cancel"
_CANCEL = re.compile(r"/handoff_cancel(\{.*\})?", re.S)
DELIVERED_KINDS = ("text", "claimed", "closed")  # the operator/system lines the user is shown
PAGE = 200


def is_cancel(message: str) -> bool:
    return bool(_CANCEL.fullmatch(message.strip()))


def lang_of(lang: str | None, fallback: str | None = None) -> str:
    for candidate in (lang, fallback):
        if candidate in ("kk", "ru"):
            return candidate
    return "ru"


def cancel_button(lang: str) -> dict[str, str]:
    return {"title": catalog_text("handoff.cancel_button", lang), "payload": CANCEL}


def notice(key: str, lang: str, buttons: list[dict[str, str]] | None = None, **kwargs: Any) -> dict[str, Any]:
    """A message the front end says about the handoff (not the bot's, not the operator's)."""
    return {"role": "bot", "kind": "handoff", "text": catalog_text(key, lang, **kwargs), "buttons": buttons or []}


def line_json(line: store.Line, lang: str) -> dict[str, Any] | None:
    """An operator's or system line as the widget shows it (None: not shown to the user)."""
    if line.author == "user":
        return {"role": "user", "text": line.text, "language": lang}
    if line.kind == "text" and line.author == "operator":
        return {"role": "bot", "kind": "operator", "text": catalog_text("handoff.operator_says", lang, text=line.text), "buttons": []}
    if line.kind == "claimed":
        return notice("handoff.claimed", lang, [cancel_button(lang)])
    if line.kind == "closed":
        return notice("handoff.closed", lang)
    if line.kind == "cancelled":
        return notice("handoff.cancelled", lang)
    return None


def paused_reply(replies: list[BotMessage]) -> bool:
    """Rasa's reply to a message of a paused conversation (tendik.rasa.rest_channel answers
    "forwarded" for it): nothing but that line."""
    forwarded = {catalog_text("handoff.forwarded", lang) for lang in ("kk", "ru")}
    return not replies or all(m.text in forwarded and not m.answer and not m.buttons for m in replies)


# ---------------------------------------------------------------- the handoff order in a bot reply
def order_in(replies: list[BotMessage]) -> tuple[HandoffOrder, str | None] | None:
    """The handoff order of a reply (the last message's payload carries it) and its language."""
    for m in reversed(replies):
        payload = read_answer(m.answer)
        if payload is None and isinstance(m.answer, dict):
            try:
                payload = AnswerPayload.from_dict(m.answer)
            except (TypeError, ValueError, AttributeError):
                payload = None
        if payload is not None and payload.handoff is not None:
            return payload.handoff, payload.lang
    return None


def open_from_order(engine: Engine, sender: str, order: HandoffOrder, lang: str, hours: Hours) -> tuple[store.Case, dict[str, Any]]:
    """Opens the case (or finds the one open) and says where the user is, with the cancel button."""
    case, _created = store.open_case(engine, sender_id=sender, channel=CHANNEL, chat_id=None, language=lang,
                                     summary=order.summary, contact=order.contact)
    lang = lang_of(case.language, lang)
    if hours.is_open():
        position, seconds = store.waiting_estimate(engine, case)
        if seconds is None:
            said = notice("handoff.queued_unknown", lang, [cancel_button(lang)], position=position)
        else:
            said = notice("handoff.queued", lang, [cancel_button(lang)], position=position, minutes=max(1, round(seconds / 60)))
    else:
        said = notice("handoff.out_of_hours", lang, [cancel_button(lang)], when=hours.next_open().strftime("%d.%m %H:%M"))
    return case, said


def without_cancel(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reply's own cancel button goes: the queue message right after it carries it."""
    for m in messages:
        m["buttons"] = [b for b in m.get("buttons") or [] if b.get("payload") != CANCEL]
    return messages


# ---------------------------------------------------------------- the thread
def had_case(engine: Engine, sender: str) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(handoffs.c.id).where(handoffs.c.sender_id == sender).limit(1)).first() is not None


def case_languages(engine: Engine, sender: str) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(select(handoffs.c.id, handoffs.c.language).where(handoffs.c.sender_id == sender)).all()
    return {r.id: r.language for r in rows}


def all_lines(engine: Engine, sender: str, after: int = 0) -> list[store.Line]:
    out: list[store.Line] = []
    while True:
        page = store.user_lines(engine, sender, after, limit=PAGE)
        out += page
        if len(page) < PAGE:
            return out
        after = page[-1].id


def pending(line: store.Line) -> bool:
    """An operator's or system line the user has not been given yet."""
    return line.author in ("operator", "system") and line.delivered_at is None and line.kind in DELIVERED_KINDS


@dataclass
class Scan:
    """The lines after the widget's cursor: those to deliver now, and the next cursor."""

    to_deliver: list[store.Line] = field(default_factory=list)
    languages: dict[str, str] = field(default_factory=dict)
    last_id: int = 0


def scan(engine: Engine, sender: str, after: int) -> Scan:
    lines = all_lines(engine, sender, after)
    todo = [line for line in lines if pending(line)]
    return Scan(todo, case_languages(engine, sender) if todo else {}, lines[-1].id if lines else after)


@dataclass
class State:
    """What the widget is told about the handoff: a case is ``open``; ``poll`` while it is (or while
    a line still waits to be delivered); ``after``: the cursor for the next poll."""

    open: bool
    poll: bool
    after: int

    def to_json(self) -> dict[str, Any]:
        return {"open": self.open, "poll": self.poll, "after": self.after}


def state(engine: Engine, sender: str, after: int, waiting: bool = False) -> State:
    is_open = store.open_case_for(engine, sender) is not None
    return State(is_open, is_open or waiting, after)


# ---------------------------------------------------------------- the history
def history_lines(engine: Engine, sender: str) -> tuple[list[tuple[float, dict[str, Any]]], State]:
    """The thread of every case of this user for the history: (time, message) of the user's lines
    and the delivered operator/system lines; and the state (the cursor stops before the first line
    not delivered yet, so that the next poll delivers it)."""
    if not had_case(engine, sender):
        return [], State(False, False, 0)
    languages = case_languages(engine, sender)
    lines = all_lines(engine, sender)
    shown: list[tuple[float, dict[str, Any]]] = []
    first_pending: int | None = None
    for line in lines:
        if pending(line):
            first_pending = line.id if first_pending is None else first_pending
            continue
        if line.author != "user" and line.delivered_at is None:
            continue
        out = line_json(line, lang_of(languages.get(line.handoff_id)))
        if out is not None:
            shown.append((line.created_at, out))
    after = (first_pending - 1) if first_pending is not None else (lines[-1].id if lines else 0)
    return shown, state(engine, sender, after, waiting=first_pending is not None)
