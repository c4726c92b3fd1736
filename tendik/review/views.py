"""View models for the pages: a conversation's transcript with each turn's intent, confidence,
actions, knowledge ids, citations, retrieval scores, the user's vote and the operator's verdict.

Every piece of user text passes :func:`tendik.redact.redact` here (again: the channel masks at
ingress, but old rows or other writers may not have); the templates then escape everything.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from tendik.citation import citations_from
from tendik.common.feedback import votes_for
from tendik.redact import redact
from tendik.review import tables as t
from tendik.review.judgements import judgements_for
from tendik.review.tracker import read_turns


def fmt_ts(ts: float | None) -> str:
    if not ts:
        return ""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")


def transcript(engine: Engine, sender_id: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        turns = read_turns(conn, sender_id)
        summary = conn.execute(select(t.conversations).where(t.conversations.c.sender_id == sender_id)).mappings().first()
    if not turns and summary is None:
        return None
    votes = {v["answer_id"]: v for v in votes_for(engine, sender_id)}
    judged = judgements_for(engine, sender_id)
    out_turns = []
    for turn in turns:
        answer = turn.answer
        vote = votes.get(answer.get("answer_id")) if answer else None
        replies = []
        for r in turn.replies:
            replies.append({
                "text": r.text,  # the bot's own words (norm texts verbatim); escaped by the template
                "buttons": [b["title"] for b in r.buttons],
                "is_answer": bool(r.answer),
            })
        scores = []
        if answer and isinstance(answer.get("scores"), dict):
            for k, v in answer["scores"].items():
                try:
                    scores.append((str(k), float(v)))
                except (TypeError, ValueError):
                    continue
        citations = citations_from(answer.get("citations")) if answer else []
        out_turns.append({
            "event_id": turn.user_event_id,
            "time": fmt_ts(turn.ts),
            "text": redact(turn.text),
            "is_payload": turn.is_payload,
            "intent": turn.intent,
            "confidence": turn.confidence,
            "ranking": turn.ranking[:3],
            "channel": turn.channel,
            "language": turn.language,
            "actions": turn.actions,
            "fallback": turn.fallback,
            "replies": replies,
            "answer_id": answer.get("answer_id") if answer else None,
            "source": answer.get("source") if answer else None,
            "knowledge_ids": [str(k) for k in (answer.get("knowledge_ids") or [])] if answer else [],
            "citations": citations,
            "scores": scores,
            "vote": vote["vote"] if vote else None,
            "vote_comment": redact(vote["comment"]) if vote and vote.get("comment") else None,
            "judgement": judged.get(turn.user_event_id) if turn.user_event_id is not None else None,
            "judgeable": turn.user_event_id is not None,  # no reply at all is judged too (wrong)
        })
    return {"sender_id": sender_id, "summary": dict(summary) if summary else None, "turns": out_turns}
