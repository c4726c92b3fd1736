"""Mask personal data again in everything already stored: ``python -m tendik.review rescrub``.

Run it once after an upgrade that makes masking catch more (it did: ``ИИН900101300123``,
``8 701   123 45 67``, ``aigul＠mail.kz`` ... were stored as typed before the masking ran on a
normalised copy). It rewrites, in batches, only what changes:

* the user messages in Rasa's tracker store (``events`` of type ``user``: ``text`` and
  ``parse_data.text``), so the conversation itself, the widget's history and Rasa's API no longer
  hold them;
* the review index: each message's text, each conversation's preview and search text (so review
  search no longer finds them); a message that answered the self-check's free-text question or a
  draft question, indexed with its text by an older version, loses it
  (:data:`tendik.review.tables.HIDDEN_TEXT`; the conversation itself keeps it, as Rasa's tracker
  must);
* vote comments (``tendik_feedback``) and reviewers' comments (``review_judgements``).

Idempotent: masking masked text changes nothing, so a second run finds nothing to do.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from sqlalchemy import Engine, select, text, update

from tendik.common.db import TRACKER_TABLE
from tendik.common.events import events_after
from tendik.common.feedback import feedback
from tendik.lang import fold
from tendik.redact import redact
from tendik.review import tables as t
from tendik.review.sync import PREVIEW_MAX, SEARCH_MAX, sync
from tendik.review.tracker import FORM_EVENT_TYPES, FormState, tracker_exists

logger = logging.getLogger(__name__)

BATCH = 2000


@dataclass
class RescrubResult:
    changed: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        if n:
            self.changed[what] = self.changed.get(what, 0) + n


def _event_data(raw: str | None) -> tuple[dict | None, bool]:
    """The user event with its texts masked again, and whether anything changed."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return None, False
    if not isinstance(data, dict):
        return None, False
    changed = False
    if isinstance(data.get("text"), str):
        masked = redact(data["text"])
        changed |= masked != data["text"]
        data["text"] = masked
    parse = data.get("parse_data")
    if isinstance(parse, dict) and isinstance(parse.get("text"), str):
        masked = redact(parse["text"])
        changed |= masked != parse["text"]
        parse["text"] = masked
    return data, changed


def _events(engine: Engine, result: RescrubResult, dry_run: bool) -> None:
    if not tracker_exists(engine):
        return
    last = 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                text(f"SELECT id, data FROM {TRACKER_TABLE} WHERE type_name = 'user' AND id > :last ORDER BY id LIMIT :n"),
                {"last": last, "n": BATCH},
            ).all()
        if not rows:
            return
        last = rows[-1][0]
        changes = []
        for event_id, raw in rows:
            data, changed = _event_data(raw)
            if changed:
                changes.append({"i": event_id, "d": json.dumps(data, ensure_ascii=False)})
        result.add("events", len(changes))
        if changes and not dry_run:
            with engine.begin() as conn:
                conn.execute(text(f"UPDATE {TRACKER_TABLE} SET data = :d WHERE id = :i"), changes)


def _hidden_answers(engine: Engine, result: RescrubResult, dry_run: bool) -> None:
    """Drop the text of every indexed message that answered a hidden question (the index of an
    older version kept it)."""
    if not tracker_exists(engine):
        return
    states: dict[str, FormState] = {}
    hidden: list[tuple[str, int]] = []
    last = 0
    while True:
        with engine.connect() as conn:
            evs = events_after(conn, last, BATCH, ("user", *FORM_EVENT_TYPES))
        if not evs:
            break
        last = evs[-1].id
        for ev in evs:
            state = states.setdefault(ev.sender_id, FormState())
            state.apply(ev)
            if ev.type == "user" and state.hidden:
                hidden.append((ev.sender_id, ev.id))
    m = t.messages.c
    changes = []
    with engine.connect() as conn:
        for i in range(0, len(hidden), 500):
            chunk = hidden[i : i + 500]
            for sender_id in sorted({sid for sid, _ in chunk}):
                ids = [eid for sid, eid in chunk if sid == sender_id]
                changes += conn.execute(
                    select(m.id).where(m.sender_id == sender_id, m.event_id.in_(ids), m.text != t.HIDDEN_TEXT)
                ).scalars().all()
    result.add("review_messages", len(changes))
    if changes and not dry_run:
        with engine.begin() as conn:
            for i in range(0, len(changes), 500):
                conn.execute(update(t.messages).where(m.id.in_(changes[i : i + 500])).values(text=t.HIDDEN_TEXT))


def _column(engine: Engine, table, key, column, what: str, result: RescrubResult, dry_run: bool) -> None:  # noqa: ANN001
    with engine.connect() as conn:
        rows = conn.execute(select(key, column).where(column.is_not(None))).all()
    changes = [(k, redact(v)) for k, v in rows if isinstance(v, str) and redact(v) != v]
    result.add(what, len(changes))
    if changes and not dry_run:
        with engine.begin() as conn:
            for k, v in changes:
                conn.execute(update(table).where(key == k).values({column.name: v}))


def _search_texts(engine: Engine, result: RescrubResult, dry_run: bool) -> None:
    """Rebuild each conversation's preview and search text from its (masked) messages, the way
    :mod:`tendik.review.sync` builds them: typed messages only, in order, folded, cut at the limit."""
    m, c = t.messages.c, t.conversations.c
    with engine.connect() as conn:
        rows = conn.execute(select(m.sender_id, m.text).order_by(m.sender_id, m.event_id)).all()
        current = {r.sender_id: (r.preview, r.search_text) for r in conn.execute(select(c.sender_id, c.preview, c.search_text))}
    built: dict[str, tuple[str, str]] = {}
    for sender_id, msg in rows:
        masked = redact(msg or "")
        preview, search = built.get(sender_id, ("", ""))
        if not masked.startswith("/"):
            preview = preview or masked[:PREVIEW_MAX]
            if len(search) < SEARCH_MAX:
                search = (search + " " + fold(masked)).strip()[:SEARCH_MAX]
        built[sender_id] = (preview, search)
    changes = []
    for sender_id, old in current.items():
        new = built.get(sender_id, (redact(old[0] or ""), old[1]))
        if new != old:
            changes.append((sender_id, *new))
    result.add("review_conversations", len(changes))
    if changes and not dry_run:
        with engine.begin() as conn:
            for sender_id, preview, search in changes:
                conn.execute(update(t.conversations).where(c.sender_id == sender_id).values(preview=preview, search_text=search))


def rescrub(engine: Engine, dry_run: bool = False) -> RescrubResult:
    """Mask everything stored again (see the module docstring); ``dry_run`` only counts."""
    sync(engine)  # index every conversation first
    result = RescrubResult()
    _events(engine, result, dry_run)
    _hidden_answers(engine, result, dry_run)
    _column(engine, t.messages, t.messages.c.id, t.messages.c.text, "review_messages", result, dry_run)
    _search_texts(engine, result, dry_run)
    _column(engine, feedback, feedback.c.id, feedback.c.comment, "tendik_feedback", result, dry_run)
    _column(engine, t.judgements, t.judgements.c.id, t.judgements.c.comment, "review_judgements", result, dry_run)
    logger.info("rescrub%s: rows changed per table: %s", " (dry run)" if dry_run else "", result.changed or "none")
    return result
