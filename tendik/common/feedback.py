"""Votes on the bot's legal answers ("helpful" / "not helpful" and an optional comment), stored
beside the conversation (same database, same ``sender_id``) for the operator review page.

A vote names the answer by ``answer_id``, which the action server puts in every legal answer's
payload and Rasa stores in the tracker (``BotUttered.data.custom.answer_id``).

A "not helpful" vote may carry one reason (:data:`VOTE_REASONS`, the codes the reviewers' verdicts
use, tendik.review.judgements.REASONS): the front ends offer them as buttons after the 👎.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Column, Engine, Float, Integer, String, Table, Text, func, select, update

from tendik.common.db import metadata
from tendik.redact import redact

VOTES = ("helpful", "not_helpful")
MAX_COMMENT = 1000
# Why an answer did not help: the same codes as the reviewers' verdicts (tendik.review.judgements.REASONS).
VOTE_REASONS = ("wrong_topic", "wrong_norm", "outdated_law", "wrong_language", "harmful", "unclear")

feedback = Table(
    "tendik_feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("answer_id", String(64), nullable=False, index=True),
    Column("vote", String(16), nullable=False),
    Column("comment", Text, nullable=True),
    Column("channel", String(32), nullable=False),
    Column("language", String(8), nullable=True),
    Column("created_at", Float, nullable=False),
    Column("reason", String(32), nullable=True),
)


def record_vote(engine: Engine, sender_id: str, answer_id: str, vote: str, channel: str, language: str | None = None) -> None:
    """Store (or change) this user's vote on this answer: one vote per answer and user."""
    if vote not in VOTES:
        raise ValueError(f"unknown vote {vote!r}")
    answer_id = answer_id[:64]
    with engine.begin() as conn:
        existing = conn.execute(
            select(feedback.c.id).where(feedback.c.sender_id == sender_id, feedback.c.answer_id == answer_id)
        ).first()
        if existing:
            values: dict[str, Any] = {"vote": vote, "created_at": time.time()}
            if vote != "not_helpful":
                values["reason"] = None  # a reason belongs to a 👎 only
            conn.execute(update(feedback).where(feedback.c.id == existing.id).values(**values))
        else:
            conn.execute(
                feedback.insert().values(
                    sender_id=sender_id, answer_id=answer_id, vote=vote, channel=channel, language=language, created_at=time.time()
                )
            )


def record_comment(engine: Engine, sender_id: str, answer_id: str, comment: str) -> bool:
    """Attach the optional follow-up comment (personal data masked) to this user's vote."""
    comment = redact(comment.strip())[:MAX_COMMENT]
    with engine.begin() as conn:
        result = conn.execute(
            update(feedback)
            .where(feedback.c.sender_id == sender_id, feedback.c.answer_id == answer_id[:64])
            .values(comment=comment or None)
        )
    return bool(result.rowcount)


def record_reason(engine: Engine, sender_id: str, answer_id: str, reason: str) -> bool:
    """Attach a reason (one of :data:`VOTE_REASONS`) to this user's "not helpful" vote on this
    answer. False when there is no such vote (none, or a "helpful" one); unknown codes raise
    ``ValueError``."""
    if reason not in VOTE_REASONS:
        raise ValueError("unknown reason")
    with engine.begin() as conn:
        result = conn.execute(
            update(feedback)
            .where(feedback.c.sender_id == sender_id, feedback.c.answer_id == answer_id[:64], feedback.c.vote == "not_helpful")
            .values(reason=reason)
        )
    return bool(result.rowcount)


def reason_stats(engine: Engine, since: float = 0.0) -> dict[str, Any]:
    """The users' reasons for "not helpful" votes cast (or changed) since ``since``: ``not_helpful``
    (all such votes), ``reasons`` (every code of :data:`VOTE_REASONS` with its count, in that
    order) and ``without`` (votes with no reason)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(feedback.c.reason, func.count())
            .where(feedback.c.vote == "not_helpful", feedback.c.created_at >= since)
            .group_by(feedback.c.reason)
        ).all()
    counts: dict[str | None, int] = {reason: int(n) for reason, n in rows}
    total = sum(counts.values())
    per_code = {code: counts.get(code, 0) for code in VOTE_REASONS}
    reasons = [{"reason": code, "count": n} for code, n in per_code.items()]
    return {"not_helpful": total, "reasons": reasons, "without": total - sum(per_code.values())}


def votes_for(engine: Engine, sender_id: str) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(feedback).where(feedback.c.sender_id == sender_id).order_by(feedback.c.id)).mappings()
        return [dict(r) for r in rows]
