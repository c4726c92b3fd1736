"""Operators' verdicts on the bot's answers: correct / wrong, why a wrong one is wrong (a reason
code, required), the right intent, the knowledge ids that should have answered, a comment, and the
"harmful / needs a content fix" flag that puts the answer on the admins' content-fix list (until
the content owner marks it fixed); stored with who and when (one row per answered message, updated
when re-judged)."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from sqlalchemy import Engine, and_, case, func, select, update

from tendik.redact import redact
from tendik.review import project
from tendik.review import tables as t
from tendik.review.tracker import read_turns

logger = logging.getLogger(__name__)

VERDICTS = ("correct", "wrong")
# Why an answer is wrong (review_judgements.reason); the review UI names them (ui_texts "reason.*").
REASONS = ("wrong_topic", "wrong_norm", "outdated_law", "wrong_language", "harmful", "unclear")
MAX_COMMENT = 2000


class JudgementError(ValueError):
    """Invalid input for a judgement (the message is safe to show; ``code`` names its translation,
    ui_texts ``judge.<code>``)."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


def save_judgement(
    engine: Engine, sender_id: str, turn_event_id: int, verdict: str, reviewer: str,
    right_intent: str | None = None, knowledge_ids: list[str] | None = None, comment: str | None = None,
    reason: str | None = None, content_fix: bool = False, require_reason: bool = False,
) -> dict[str, Any]:
    """Save (or replace) the verdict on one answer. A "wrong" verdict needs a reason from REASONS
    when ``require_reason`` (the web form; scripts and older callers may leave it out); a "correct" one keeps none.
    The reason "harmful" always sets the content-fix flag. Re-flagging a fixed answer puts it back
    on the list."""
    if verdict not in VERDICTS:
        raise JudgementError("the verdict must be correct or wrong", "bad_verdict")
    reason = (reason or "").strip() or None
    if reason is not None and reason not in REASONS:
        raise JudgementError("unknown reason", "bad_reason")
    if verdict == "wrong" and reason is None and require_reason:
        raise JudgementError("a wrong answer needs a reason", "reason_required")
    if verdict == "correct":
        reason = None
    content_fix = bool(content_fix) or reason == "harmful"
    right_intent = (right_intent or "").strip() or None
    if right_intent and right_intent not in project.intents():
        raise JudgementError("unknown intent", "unknown_intent")
    known = project.knowledge_titles()
    kids = sorted({k.strip() for k in knowledge_ids or [] if k.strip()})
    if any(k not in known for k in kids):
        raise JudgementError("unknown knowledge id", "unknown_knowledge")
    comment = redact((comment or "").strip())[:MAX_COMMENT] or None
    with engine.connect() as conn:
        turns = read_turns(conn, sender_id)
    turn = next((x for x in turns if x.user_event_id == turn_event_id), None)
    if turn is None:
        raise JudgementError("no such message in this conversation", "no_message")
    answer = turn.answer or {}
    now = time.time()
    values = {
        "answer_id": (str(answer.get("answer_id")) if answer.get("answer_id") else None),
        "verdict": verdict, "right_intent": right_intent, "right_knowledge_ids": json.dumps(kids), "comment": comment,
        "reviewer": reviewer, "updated_at": now, "reason": reason, "content_fix": content_fix,
        "content_fixed_at": None, "content_fixed_by": None,
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
    logger.info("judgement saved (%s, reason %s, content fix %s)", verdict, reason or "-", content_fix)
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


def content_fixes(engine: Engine, fixed: bool = False, limit: int = 500) -> list[dict[str, Any]]:
    """Verdicts flagged "needs a content fix", newest first: still to fix, or (``fixed``) marked
    fixed. Each with the message's intent and language from the index (no user text)."""
    j, m = t.judgements.c, t.messages.c
    cond = j.content_fixed_at.is_not(None) if fixed else j.content_fixed_at.is_(None)
    q = (
        select(j.id, j.sender_id, j.turn_event_id, j.answer_id, j.verdict, j.reason, j.right_intent, j.right_knowledge_ids,
               j.comment, j.reviewer, j.updated_at, j.content_fixed_at, j.content_fixed_by, m.intent, m.language)
        .select_from(t.judgements.outerjoin(t.messages, and_(m.sender_id == j.sender_id, m.event_id == j.turn_event_id)))
        .where(j.content_fix.is_(True), cond)
        .order_by(j.updated_at.desc(), j.id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        out = []
        for r in conn.execute(q).mappings():
            d = dict(r)
            d["right_knowledge_ids"] = json.loads(d["right_knowledge_ids"] or "[]")
            out.append(d)
        return out


def mark_content_fixed(engine: Engine, judgement_id: int, who: str, fixed: bool = True) -> bool:
    """Mark a flagged answer fixed (or put it back on the list). False: no such flagged verdict."""
    values = {"content_fixed_at": time.time(), "content_fixed_by": who} if fixed else {"content_fixed_at": None, "content_fixed_by": None}
    with engine.begin() as conn:
        done = conn.execute(
            update(t.judgements).where(t.judgements.c.id == judgement_id, t.judgements.c.content_fix.is_(True)).values(**values)
        ).rowcount
    if done:
        logger.info("content fix %s", "marked done" if fixed else "reopened")
    return bool(done)


def verdict_stats(engine: Engine, since: float = 0.0) -> dict[str, Any]:
    """Verdicts saved since ``since``: how many, how many wrong, how many flagged for a content fix,
    and per reason (REASONS order, then None for wrong verdicts saved before reasons existed) the
    count with its share of the wrong ones and of all."""
    j = t.judgements.c
    with engine.connect() as conn:
        total, wrong, fix = conn.execute(
            select(func.count(), func.sum(case((j.verdict == "wrong", 1), else_=0)), func.sum(case((j.content_fix.is_(True), 1), else_=0)))
            .where(j.updated_at >= since)
        ).one()
        per = dict(conn.execute(
            select(j.reason, func.count()).where(j.updated_at >= since, j.verdict == "wrong").group_by(j.reason)).all())
    total, wrong, fix = int(total or 0), int(wrong or 0), int(fix or 0)
    share = lambda n, d: n / d if d else None  # noqa: E731
    reasons = [{"reason": r, "count": int(per.get(r, 0)), "share_wrong": share(int(per.get(r, 0)), wrong),
                "share_all": share(int(per.get(r, 0)), total)} for r in REASONS]
    if per.get(None):
        n = int(per[None])
        reasons.append({"reason": None, "count": n, "share_wrong": share(n, wrong), "share_all": share(n, total)})
    return {"total": total, "wrong": wrong, "content_fix": fix, "share_fix": share(fix, total), "reasons": reasons}
