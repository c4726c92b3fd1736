"""Operators' verdicts on the bot's answers: correct / wrong, the right intent, the knowledge ids
that should have answered, a comment; stored with who and when (one row per answered message,
updated when re-judged)."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from sqlalchemy import Engine, func, select, update

from tendik.redact import redact
from tendik.review import project
from tendik.review import tables as t
from tendik.review.tracker import read_turns

logger = logging.getLogger(__name__)

VERDICTS = ("correct", "wrong")
MAX_COMMENT = 2000


class JudgementError(ValueError):
    """Invalid input for a judgement (the message is safe to show)."""


def save_judgement(
    engine: Engine, sender_id: str, turn_event_id: int, verdict: str, reviewer: str,
    right_intent: str | None = None, knowledge_ids: list[str] | None = None, comment: str | None = None,
) -> dict[str, Any]:
    if verdict not in VERDICTS:
        raise JudgementError("the verdict must be correct or wrong")
    right_intent = (right_intent or "").strip() or None
    if right_intent and right_intent not in project.intents():
        raise JudgementError("unknown intent")
    known = project.knowledge_titles()
    kids = sorted({k.strip() for k in knowledge_ids or [] if k.strip()})
    if any(k not in known for k in kids):
        raise JudgementError("unknown knowledge id")
    comment = redact((comment or "").strip())[:MAX_COMMENT] or None
    with engine.connect() as conn:
        turns = read_turns(conn, sender_id)
    turn = next((x for x in turns if x.user_event_id == turn_event_id), None)
    if turn is None:
        raise JudgementError("no such message in this conversation")
    answer = turn.answer or {}
    now = time.time()
    values = {
        "answer_id": (str(answer.get("answer_id")) if answer.get("answer_id") else None),
        "verdict": verdict, "right_intent": right_intent, "right_knowledge_ids": json.dumps(kids), "comment": comment,
        "reviewer": reviewer, "updated_at": now,
    }
    with engine.begin() as conn:
        done = conn.execute(
            update(t.judgements)
            .where(t.judgements.c.sender_id == sender_id, t.judgements.c.turn_event_id == turn_event_id)
            .values(**values)
        ).rowcount
        if not done:
            conn.execute(t.judgements.insert().values(sender_id=sender_id, turn_event_id=turn_event_id, created_at=now, **values))
        n = conn.execute(select(func.count()).select_from(t.judgements).where(t.judgements.c.sender_id == sender_id)).scalar()
        conn.execute(update(t.conversations).where(t.conversations.c.sender_id == sender_id).values(reviewed=True, n_judged=n))
    logger.info("judgement saved (%s)", verdict)
    return values


def judgements_for(engine: Engine, sender_id: str) -> dict[int, dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(t.judgements).where(t.judgements.c.sender_id == sender_id)).mappings()
        out = {}
        for r in rows:
            d = dict(r)
            d["right_knowledge_ids"] = json.loads(d["right_knowledge_ids"] or "[]")
            out[d["turn_event_id"]] = d
        return out
