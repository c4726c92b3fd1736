"""View models for the pages: a conversation's transcript with each turn's intent, confidence,
actions, knowledge ids, citations, retrieval scores, the user's vote and the operator's verdict.

A bot answer is shown from its stored typed payload (the ``custom`` data of Rasa's bot event:
sections, each quoted norm with its citation and edition), never by reading its text back; events
stored before the payload had sections show their text. A button press (``/show_more{...}``,
``/ask_equal_pay``) is shown as a label ("[button: law · exp-equal-pay]"), never as raw JSON.

Every piece of user text passes :func:`tendik.redact.redact` here (again: the channel masks at
ingress, but old rows or other writers may not have); the templates then escape everything.

A message that answered the self-check's free-text question or a draft question
(:attr:`tendik.review.tracker.Turn.hidden`) is shown as a placeholder in the conversation's language
(``review.hidden.*``), and wherever the bot's own texts may repeat the user's words for a draft (the
hidden answers, the draft slots, a payload's ``draft.fields``: :class:`tendik.review.tracker.PrivateWords`)
those words are replaced too. A payload's draft order itself is never shown. The quoted norms come from the knowledge base and are shown verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from tendik.citation import citations_from
from tendik.common.answer_payloads import base_answer_id, read_answer
from tendik.common.buttons import is_payload, parse_show_more
from tendik.common.events import conversation_events
from tendik.common.feedback import votes_for
from tendik.payload import AnswerPayload
from tendik.redact import redact
from tendik.review import tables as t
from tendik.review.judgements import judgements_for
from tendik.review.tracker import parse_turns, private_words
from tendik.review.ui_texts import TEXTS, knowledge_title, topic_name, ui
from tendik.texts import label


def fmt_ts(ts: float | None) -> str:
    if not ts:
        return ""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")


_INTENT = re.compile(r"/([A-Za-z_][\w-]{0,80})")


def payload_label(text: str, lang: str = "en") -> str | None:
    """A button press as the transcript shows it ("[button: law · exp-equal-pay]", "[button:
    ask_equal_pay]"; in Kazakh or Russian "[кнопка: закон · <topic's title>]"), or None for a typed
    message."""
    if not is_payload(text):
        return None
    more = parse_show_more(text.strip())
    if lang == "en":
        if more is not None:
            page = f", page {more.page}" if more.page else ""
            return f"[button: {more.view}{page} · {more.topic}]"
        name = _INTENT.match(text.strip())
        return f"[button: {name.group(1) if name else '?'}]"
    if more is not None:
        view = ui(f"view.{more.view}", lang) if f"view.{more.view}" in TEXTS else more.view
        page = f", {ui('tr.page', lang, n=more.page)}" if more.page else ""
        return ui("tr.button_label", lang, what=f"{view}{page} · {knowledge_title(more.topic, lang)}")
    name = _INTENT.match(text.strip())
    return ui("tr.button_label", lang, what=topic_name(name.group(1), lang) if name else "?")


class Masker:
    """Replaces the user's private words (:class:`tendik.review.tracker.PrivateWords`) in a text
    by ``mark``, ignoring case; the longest first, so a value inside another goes with it."""

    def __init__(self, values: list[str], mark: str) -> None:
        self.mark = mark
        self._pattern = re.compile("|".join(map(re.escape, values)), re.IGNORECASE) if values else None

    def __call__(self, text: str) -> str:
        return self._pattern.sub(self.mark, text) if self._pattern and text else text


def _keep(text: str) -> str:
    return text


def answer_sections(payload: AnswerPayload, mask: Callable[[str], str] = _keep) -> list[dict[str, Any]]:
    """The payload's sections for the template: each law section with its quotes resolved
    (citation, edition, verbatim text, note, old-edition flag, norm id); ``mask`` is applied to the
    bot's own texts (headings, texts, items, notes), not to the verbatim norms."""
    out = []
    for s in payload.sections:
        quotes = []
        for n, i in enumerate(s.citations):
            c = payload.citations[i]
            quotes.append({"citation": c.citation[:1].upper() + c.citation[1:], "edition": c.edition, "text": c.text,
                           "note": mask(s.notes[n]) if n < len(s.notes) else "", "stale": c.stale, "norm_id": c.norm_id})
        if s.text.strip() or any(i.strip() for i in s.items) or quotes:
            out.append({"kind": s.kind, "heading": mask(s.heading), "text": mask(s.text),
                        "entries": [mask(i) for i in s.items if i.strip()], "quotes": quotes})
    return out


def transcript(engine: Engine, sender_id: str, ui_lang: str = "en") -> dict[str, Any] | None:
    """The conversation for the page; button presses labelled in ``ui_lang``."""
    with engine.connect() as conn:
        evs = conversation_events(conn, sender_id)
        summary = conn.execute(select(t.conversations).where(t.conversations.c.sender_id == sender_id)).mappings().first()
    turns = parse_turns(evs)
    if not turns and summary is None:
        return None
    private = private_words(evs)
    maskers: dict[tuple[str, bool], Masker] = {}

    def masker(lang: str, draft: bool) -> Masker:
        key = (lang, draft)
        if key not in maskers:
            maskers[key] = Masker(private.draft if draft else private.typed, label("review.hidden.value", lang))
        return maskers[key]

    votes = {v["answer_id"]: v for v in votes_for(engine, sender_id)}
    judged = judgements_for(engine, sender_id)
    out_turns = []
    for turn in turns:
        lang = turn.language or (summary["language"] if summary else "")
        answer = turn.answer
        answer_id = base_answer_id(answer.get("answer_id")) if answer else None
        vote = votes.get(answer_id) if answer_id else None
        replies = []
        for r in turn.replies:
            payload = read_answer(r.custom)  # its draft order (the user's values) is never shown
            mask = masker(lang, bool(turn.hidden) or bool(r.custom and "draft" in r.custom))
            text = r.text or (payload.plain_text() if payload else "")
            replies.append({
                "text": mask(text),  # the bot's own words (norm texts verbatim); escaped by the template
                "sections": answer_sections(payload, mask) if payload else None,
                "view": payload.view if payload else None,
                "buttons": [mask(b["title"]) for b in r.buttons if b.get("title")]
                or ([mask(b.title) for b in payload.buttons] if payload else []),
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
            "ts": turn.ts,
            "text": label(f"review.hidden.{turn.hidden}", lang) if turn.hidden
            else payload_label(turn.text, ui_lang) or redact(turn.text),
            "is_payload": not turn.hidden and payload_label(turn.text) is not None,
            "hidden": bool(turn.hidden),
            "intent": turn.intent,
            "confidence": turn.confidence,
            "ranking": turn.ranking[:3],
            "channel": turn.channel,
            "language": turn.language,
            "actions": turn.actions,
            "fallback": turn.fallback,
            "replies": replies,
            "answer_id": answer_id,
            "source": str(answer.get("source") or "") or None if answer else None,
            "knowledge_ids": [str(k) for k in answer.get("knowledge_ids") or [] if isinstance(k, str)]
            if answer and isinstance(answer.get("knowledge_ids"), list) else [],
            "citations": citations,
            "scores": scores,
            "vote": vote["vote"] if vote else None,
            "vote_comment": redact(vote["comment"]) if vote and vote.get("comment") else None,
            "judgement": judged.get(turn.user_event_id) if turn.user_event_id is not None else None,
            "judgeable": turn.user_event_id is not None,  # no reply at all is judged too (wrong)
        })
    return {"sender_id": sender_id, "summary": dict(summary) if summary else None, "turns": out_turns}
