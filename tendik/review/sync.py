"""Keep the review index (``review_conversations``, ``review_messages``) up to date with Rasa's
tracker store: read the events with ``id`` above the last one seen, in batches, and fold them
into one summary row per conversation and one row per user message. Votes (``tendik_feedback``)
are picked up by their time stamp. Run by the server periodically and on demand, and by
``python -m tendik.review sync``.

Idempotent and incremental: each batch is one transaction together with its watermark, so an
interrupted sync resumes where it stopped and never counts an event twice.

A user message that answered the self-check's free-text question or a draft question
(:attr:`tendik.review.tracker.FormState.hidden`) is indexed without its text (``text`` is
:data:`tendik.review.tables.HIDDEN_TEXT`): it is counted, but never previewed, searched or exported.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, case, func, select, update
from sqlalchemy.exc import IntegrityError

from tendik.common.events import Event, bot_reply, events_after, tracker_exists
from tendik.common.feedback import feedback
from tendik.db.migrate import ensure_schema
from tendik.lang import fold
from tendik.redact import redact
from tendik.review import tables as t
from tendik.review.tracker import QUIET_ACTIONS, FormState, form_states_before, slot_fields, user_fields

logger = logging.getLogger(__name__)

BATCH = 5000
SEARCH_MAX = 4000  # characters of (redacted, folded) user text kept per conversation for search
PREVIEW_MAX = 200
EVENTS_KEY = "events_last_id"
FEEDBACK_KEY = "feedback_last_ts"
HIDDEN_TEXT = t.HIDDEN_TEXT


def day_of(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def search_form(text: str) -> str:
    """The searchable form of a text: personal data masked, then folded (case, Kazakh letters,
    Latin script) so "жұмыс", "жумыс" and "jūmys" find each other."""
    return fold(redact(text))


def _get_state(conn: Connection, key: str) -> float:
    return float(conn.execute(select(t.state.c.value).where(t.state.c.key == key)).scalar() or 0)


def _set_state(conn: Connection, key: str, value: float) -> None:
    if conn.execute(update(t.state).where(t.state.c.key == key).values(value=value)).rowcount == 0:
        conn.execute(t.state.insert().values(key=key, value=value))


@dataclass
class SyncResult:
    events: int = 0
    conversations: int = 0
    messages: int = 0
    votes: int = 0
    seconds: float = 0.0


def _new_summary(sender_id: str, ts: float) -> dict[str, Any]:
    return {
        "sender_id": sender_id, "channel": "", "language": "", "first_ts": ts, "last_ts": ts, "day": day_of(ts),
        "n_user": 0, "n_answers": 0, "n_unanswered": 0, "intents": "|", "min_confidence": None, "fallback": False,
        "not_helpful": False, "n_votes": 0, "reviewed": False, "n_judged": 0, "preview": "", "search_text": "",
        "last_msg_event_id": None, "last_event_id": 0,
    }


def _apply(ev: Event, s: dict[str, Any], msgs: dict[int, dict[str, Any]], old_msgs: dict[tuple[str, int], dict[str, Any]],
           conn: Connection, form: FormState) -> None:
    """Fold one event into its conversation summary ``s``, message rows and form state."""
    form.apply(ev)
    s["last_ts"] = max(s["last_ts"], ev.ts)
    s["first_ts"] = min(s["first_ts"], ev.ts)
    s["last_event_id"] = max(s["last_event_id"], ev.id)

    def current_msg() -> dict[str, Any] | None:
        mid = s["last_msg_event_id"]
        if mid is None:
            return None
        if mid in msgs:
            return msgs[mid]
        key = (s["sender_id"], mid)
        if key not in old_msgs:
            row = conn.execute(
                select(t.messages).where(t.messages.c.sender_id == s["sender_id"], t.messages.c.event_id == mid)
            ).mappings().first()
            old_msgs[key] = dict(row) if row else {}
        return old_msgs[key] or None

    if ev.type == "user":
        f = user_fields(ev)
        text = HIDDEN_TEXT if form.hidden else f["text"]
        if s["n_user"] == 0:
            s["first_ts"] = ev.ts
            s["day"] = day_of(ev.ts)
        s["n_user"] += 1
        if f["channel"] and not s["channel"]:
            s["channel"] = f["channel"][:32]
        if f["language"]:
            s["language"] = f["language"]
        intent = f["intent"]
        if intent and f"|{intent}|" not in s["intents"]:
            s["intents"] += f"{intent}|"
        typed = not text.startswith("/")
        if typed and f["confidence"] is not None:
            s["min_confidence"] = f["confidence"] if s["min_confidence"] is None else min(s["min_confidence"], f["confidence"])
        if intent == "nlu_fallback":
            s["fallback"] = True
        redacted = redact(text)
        if typed and redacted and not s["preview"]:
            s["preview"] = redacted[:PREVIEW_MAX]
        if typed and redacted and len(s["search_text"]) < SEARCH_MAX:
            s["search_text"] = (s["search_text"] + " " + fold(redacted)).strip()[:SEARCH_MAX]
        msgs[ev.id] = {
            "sender_id": s["sender_id"], "event_id": ev.id, "ts": ev.ts, "day": day_of(ev.ts),
            "language": f["language"] or s["language"], "channel": (f["channel"] or s["channel"])[:32], "text": redacted,
            "intent": intent, "confidence": f["confidence"], "action": None, "answer_id": None, "source": None,
            "knowledge_ids": None, "answered": None,
        }
        s["last_msg_event_id"] = ev.id
    elif ev.type == "slot":
        name, value = slot_fields(ev)
        if name == "language" and value in ("kk", "ru"):
            s["language"] = value
            m = current_msg()
            if m is not None:
                m["language"] = value
    elif ev.type == "action":
        name = ev.action or ev.data.get("name")
        if name == "action_default_fallback":
            s["fallback"] = True
        if isinstance(name, str) and name not in QUIET_ACTIONS:
            m = current_msg()
            if m is not None and not m.get("action"):
                m["action"] = name[:128]
    elif ev.type == "bot":
        reply = bot_reply(ev)
        answer = reply.answer
        if answer:
            m = current_msg()
            kids = [str(k) for k in answer.get("knowledge_ids") or []]
            if kids:
                s["n_answers"] += 1
            else:  # the knowledge base had no answer: the bot fell back to "not sure"
                s["n_unanswered"] += 1
                s["fallback"] = True
            if m is not None and not m.get("answer_id"):
                m["answer_id"] = str(answer.get("answer_id") or "")[:64] or None
                m["source"] = str(answer.get("source") or "")[:16] or None
                m["knowledge_ids"] = json.dumps(kids)
                m["answered"] = bool(kids)


def _load_summaries(conn: Connection, sender_ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(sender_ids), 500):
        chunk = sender_ids[i : i + 500]
        for row in conn.execute(select(t.conversations).where(t.conversations.c.sender_id.in_(chunk))).mappings():
            out[row["sender_id"]] = dict(row)
    return out


def _sync_events_batch(conn: Connection, after: int, batch: int) -> tuple[int, int, int, int]:
    """One batch: returns (events read, new watermark, conversations touched, messages added)."""
    evs = events_after(conn, after, batch)
    if not evs:
        return 0, after, 0, 0
    sender_ids = sorted({e.sender_id for e in evs})
    existing = _load_summaries(conn, sender_ids)
    summaries: dict[str, dict[str, Any]] = {}
    msgs: dict[int, dict[str, Any]] = {}
    old_msgs: dict[tuple[str, int], dict[str, Any]] = {}
    # where each conversation's forms stood after the events already indexed (all those <= after)
    forms = form_states_before(conn, existing, after)
    for ev in evs:
        s = summaries.get(ev.sender_id)
        if s is None:
            s = summaries[ev.sender_id] = existing.get(ev.sender_id) or _new_summary(ev.sender_id, ev.ts)
        form = forms.setdefault(ev.sender_id, FormState())
        if ev.id <= s["last_event_id"]:
            form.apply(ev)
            continue  # already folded in (a summary rebuilt after the watermark)
        _apply(ev, s, msgs, old_msgs, conn, form)
    if msgs:
        conn.execute(t.messages.insert(), list(msgs.values()))
    for (sender_id, event_id), m in old_msgs.items():
        if m:
            values = {k: m[k] for k in ("language", "action", "answer_id", "source", "knowledge_ids", "answered")}
            conn.execute(
                update(t.messages).where(t.messages.c.sender_id == sender_id, t.messages.c.event_id == event_id).values(**values)
            )
    new_rows = [s for sid, s in summaries.items() if sid not in existing]
    if new_rows:
        votes = _votes_of(conn, [s["sender_id"] for s in new_rows])
        for s in new_rows:
            s["n_votes"], s["not_helpful"] = votes.get(s["sender_id"], (0, False))
        conn.execute(t.conversations.insert(), new_rows)
    for sid, s in summaries.items():
        if sid in existing:
            values = {k: v for k, v in s.items() if k != "sender_id"}
            conn.execute(update(t.conversations).where(t.conversations.c.sender_id == sid).values(**values))
    last = evs[-1].id
    return len(evs), last, len(summaries), len(msgs)


def _votes_of(conn: Connection, sender_ids: list[str]) -> dict[str, tuple[int, bool]]:
    """(number of votes, any "not helpful") per conversation, for conversations new to the index."""
    out: dict[str, tuple[int, bool]] = {}
    bad = func.sum(case((feedback.c.vote == "not_helpful", 1), else_=0))
    for i in range(0, len(sender_ids), 500):
        chunk = sender_ids[i : i + 500]
        q = select(feedback.c.sender_id, func.count(), bad).where(feedback.c.sender_id.in_(chunk)).group_by(feedback.c.sender_id)
        for sid, n, nb in conn.execute(q):
            out[sid] = (int(n), bool(nb))
    return out


def _sync_feedback(conn: Connection) -> int:
    """Refresh the vote flags of conversations whose votes changed since the last sync."""
    since = _get_state(conn, FEEDBACK_KEY)
    rows = conn.execute(
        select(feedback.c.sender_id, func.max(feedback.c.created_at)).where(feedback.c.created_at > since).group_by(feedback.c.sender_id)
    ).all()
    if not rows:
        return 0
    newest = max(r[1] for r in rows)
    for sender_id, _ in rows:
        n_votes = conn.execute(select(func.count()).select_from(feedback).where(feedback.c.sender_id == sender_id)).scalar() or 0
        bad = conn.execute(
            select(func.count()).select_from(feedback).where(and_(feedback.c.sender_id == sender_id, feedback.c.vote == "not_helpful"))
        ).scalar() or 0
        conn.execute(
            update(t.conversations).where(t.conversations.c.sender_id == sender_id).values(n_votes=n_votes, not_helpful=bad > 0)
        )
    _set_state(conn, FEEDBACK_KEY, newest)
    return len(rows)


def sync(engine: Engine, batch: int = BATCH, max_batches: int | None = None) -> SyncResult:
    """Index every new tracker event and vote. Safe to run at any time, from several processes."""
    started = time.perf_counter()
    ensure_schema(engine)
    result = SyncResult()
    if not tracker_exists(engine):
        logger.info("sync: no tracker events table yet (no conversation stored)")
        return result
    n = 0
    while max_batches is None or n < max_batches:
        try:
            with engine.begin() as conn:
                after = int(_get_state(conn, EVENTS_KEY))
                count, last, convs, new_msgs = _sync_events_batch(conn, after, batch)
                if not count:
                    break
                _set_state(conn, EVENTS_KEY, last)
        except IntegrityError:
            # Another sync (the server's timer, a CLI run) indexed this batch first: start again
            # from the watermark it committed.
            logger.info("sync: a concurrent sync indexed the same events; retrying from its watermark")
            n += 1
            continue
        result.events += count
        result.conversations += convs
        result.messages += new_msgs
        n += 1
    with engine.begin() as conn:
        result.votes = _sync_feedback(conn)
    result.seconds = time.perf_counter() - started
    if result.events or result.votes:
        logger.info(
            "sync: %d events, %d conversations, %d messages, %d vote changes in %.2f s",
            result.events, result.conversations, result.messages, result.votes, result.seconds,
        )
    return result
