"""Rasa's tracker store as the review app sees it: a conversation's events grouped into turns (a
user message, its intent and confidence, and everything the assistant did in reply).

The events are read by :mod:`tendik.common.events` (the project's one reader of Rasa's ``events``
table, the same on SQLite and PostgreSQL; malformed rows are skipped, never fatal); this module
only interprets them. The texts returned here are as stored: :mod:`tendik.review.views` masks
personal data on output.

Answers to the self-check's free-text question and to the draft questions (issue 12 item 4) are the
user's own words (what happened, names, addresses): a user message that arrived while a form was
asking for one of :data:`HIDDEN_REQUESTS` is marked (:attr:`Turn.hidden`, found by
:class:`FormState` from the tracker's ``active_loop`` and ``requested_slot`` events), and the review
app never shows, indexes or exports its text; the slots of :data:`HIDDEN_SLOTS` and a bot payload's
draft values (:func:`private_words`) are never shown either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from tendik.common.events import BotReply, Event, bot_reply, conversation_events, events, tracker_exists
from tendik.payload import BLANK

# ``events``, ``Event``, ``BotReply`` and ``tracker_exists`` are re-exported for the review app's
# modules, tests and benchmark.
__all__ = [
    "FORM_EVENT_TYPES", "HIDDEN_REQUESTS", "HIDDEN_SLOTS", "QUIET_ACTIONS", "BotReply", "Event", "FormState", "Turn",
    "events", "form_states_before", "parse_turns", "PrivateWords", "private_words", "read_turns", "slot_fields", "tracker_exists",
    "user_fields",
]

# Actions that are bookkeeping, not something the bot did for the user.
QUIET_ACTIONS = {"action_listen", "action_session_start", "action_detect_language"}

# A form's requested slot -> what a user message answering it is (the catalog's
# ``review.hidden.<kind>``): its text is the user's own words for a draft or the self-check's
# free-text question, never shown, indexed or exported.
HIDDEN_REQUESTS = {"sc_what": "selfcheck", "draft_value": "draft", "handoff_contact": "value"}
# Slots whose values are the user's own words (or point at them): never shown.
HIDDEN_SLOTS = frozenset({"sc_what", "draft_value", "draft_values", "draft_field", "handoff_contact"})
# Shorter values are not looked for in the bot's texts (they would mask ordinary words).
PRIVATE_MIN = 3
# Events that end every form (Rasa resets the tracker's slots and active loop).
_RESETS = {"restart", "session_started"}


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
    # "selfcheck" / "draft": the message answered one of HIDDEN_REQUESTS; its text is never shown
    hidden: str | None = None

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


@dataclass
class FormState:
    """Which form is active and which slot it asked for, folded from a conversation's events in
    order (what Rasa's tracker knows when the next user message arrives). A user message answers
    the requested slot only while its form is active: a slot carried over into a new session (with
    ``carry_over_slots_to_new_session``) does not make later messages answers."""

    loop: str | None = None
    requested: str | None = None

    def apply(self, ev: Event) -> None:
        if ev.type == "active_loop":
            name = ev.data.get("name")
            self.loop = name if isinstance(name, str) and name else None
            if self.loop is None:
                self.requested = None
        elif ev.type == "slot":
            name, value = slot_fields(ev)
            if name == "requested_slot":
                self.requested = value if isinstance(value, str) and value else None
        elif ev.type == "reset_slots":
            self.requested = None
        elif ev.type in _RESETS:
            self.loop = self.requested = None

    @property
    def hidden(self) -> str | None:
        """What a user message arriving now answers, when its text must be hidden ("selfcheck",
        "draft"), else None."""
        return HIDDEN_REQUESTS.get(self.requested) if self.loop and self.requested else None


# The stored event types that change a FormState.
FORM_EVENT_TYPES = ("active_loop", "slot", "reset_slots", *sorted(_RESETS))


def form_states_before(conn: Connection, sender_ids: Iterable[str], up_to: int) -> dict[str, FormState]:
    """Each conversation's :class:`FormState` after its events with ``id <= up_to`` (for a reader
    that resumes after ``up_to``)."""
    states: dict[str, FormState] = {}
    for sender_id in sorted(set(sender_ids)):
        state = states[sender_id] = FormState()
        for ev in conversation_events(conn, sender_id, FORM_EVENT_TYPES):
            if ev.id <= up_to:
                state.apply(ev)
    return states


def _strings(value: Any, depth: int = 0) -> Iterable[str]:
    """Every string in a slot value or payload (nested lists and mappings, keys excluded)."""
    if isinstance(value, str):
        yield value
    elif depth < 4 and isinstance(value, Mapping):
        for v in value.values():
            yield from _strings(v, depth + 1)
    elif depth < 4 and isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v, depth + 1)


def _words(values: Iterable[str]) -> list[str]:
    """Distinct stripped values worth looking for (not BLANK, at least PRIVATE_MIN long), longest first."""
    kept = {v.strip() for v in values} - {BLANK}
    return sorted((v for v in kept if len(v) >= PRIVATE_MIN), key=lambda v: (-len(v), v))


@dataclass
class PrivateWords:
    """The user's own words a conversation holds outside ordinary messages, for masking wherever the
    bot may have repeated them. ``typed``: the texts of hidden answers and the ``sc_what`` /
    ``draft_value`` slots (masked in every bot text). ``draft``: those and the ``draft_values`` slot
    and the payloads' ``draft.fields`` (masked in the replies to hidden answers and in messages that
    carry a draft: elsewhere a value taken from a self-check button, "беременность", is an ordinary
    word of the legal answers)."""

    typed: list[str] = field(default_factory=list)
    draft: list[str] = field(default_factory=list)


def private_words(evs: Iterable[Event]) -> PrivateWords:
    """The :class:`PrivateWords` of a conversation's events (in order)."""
    typed: list[str] = []
    draft: list[str] = []
    state = FormState()
    for ev in evs:
        state.apply(ev)
        if ev.type == "user" and state.hidden:
            typed.append(ev.text)
        elif ev.type == "slot":
            name, value = slot_fields(ev)
            if name in ("sc_what", "draft_value", "handoff_contact"):
                typed += _strings(value)
            elif name == "draft_values":
                draft += _strings(value)
        elif ev.type == "bot":
            custom = bot_reply(ev).custom
            order = custom.get("draft") if custom else None
            if isinstance(order, Mapping):
                draft += _strings(order.get("fields"))
    return PrivateWords(typed=_words(typed), draft=_words(typed + draft))


def parse_turns(evs: Iterable[Event]) -> list[Turn]:
    """Group a conversation's events into turns (user message + the assistant's reply)."""
    turns: list[Turn] = []
    current: Turn | None = None
    language = ""
    form = FormState()
    for ev in evs:
        form.apply(ev)
        if ev.type == "user":
            f = user_fields(ev)
            current = Turn(
                user_event_id=ev.id, ts=ev.ts, text=f["text"], intent=f["intent"], confidence=f["confidence"],
                ranking=f["ranking"], channel=f["channel"], language=f["language"] or language, metadata=f["metadata"],
                hidden=form.hidden,
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
