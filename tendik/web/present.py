"""The bot's replies as the widget shows them: plain data, never HTML.

A legal answer goes to the widget as its typed payload's structure (:mod:`tendik.payload`): the
sections (title, the worker's situation, the lead, law sections quoting citations by index, steps,
where to go, notes, the disclaimer), the citations (verbatim, with edition; source URLs only if
safe) and the buttons ("more" buttons send their payload back as the next message). The widget
renders the sections; nothing reads the answer's text back. Replies without a readable payload
(greetings, menus, answers stored before the payload had sections) are shown as their text, with
an old answer's citations as cards.

A message whose payload carries a draft order (``AnswerPayload.draft``) gets a ``draft`` object:
the message's own id (what ``POST /api/draft`` is asked with), the template and the texts of its
download buttons; never the values the user gave (the files are made on request).
"""

from __future__ import annotations

from typing import Any

from tendik.citation import citations_from, safe_url
from tendik.common.answer_payloads import base_answer_id, read_answer
from tendik.common.buttons import is_payload, parse_show_more
from tendik.common.rasa_client import BotMessage
from tendik.payload import DraftOrder
from tendik.texts import text as catalog_text
from tendik.web.validate import DRAFT_ANSWER_ID, DRAFT_FORMATS

__all__ = ["button_title", "draft_json", "message_json", "messages_json", "safe_url", "user_json"]

# Payloads of the widget's own buttons (not offered by a bot message): the title their bubble shows.
ENTRY_BUTTONS = {"/start_selfcheck": "selfcheck.form.button"}


def draft_json(answer: dict[str, Any] | None, lang: str | None) -> dict[str, Any] | None:
    """The download buttons' data for a message whose payload has a readable draft order, else None."""
    if not isinstance(answer, dict):
        return None
    order = DraftOrder.from_dict(answer.get("draft"))
    message_id = answer.get("answer_id")
    if order is None or not isinstance(message_id, str) or not DRAFT_ANSWER_ID.fullmatch(message_id):
        return None
    shown = lang if lang in ("kk", "ru") else order.lang
    return {
        "answer_id": message_id, "template": order.template, "lang": order.lang,
        "caption": catalog_text("web.draft.caption", shown),
        "formats": [{"format": f, "label": catalog_text("web.draft.download", shown, format=f.upper())} for f in DRAFT_FORMATS],
        "busy": catalog_text("web.draft.busy", shown),
        "done": catalog_text("web.draft.done", shown, name="{name}"),
    }


def message_json(m: BotMessage, vote: str | None = None, votable: bool = True) -> dict[str, Any]:
    """One bot message for the widget: text, buttons, and for a legal answer its id (for votes),
    citations and, when it has them, its sections. ``votable`` False: a part of an answer that
    continues in the next message (voted on under its last part)."""
    payload = read_answer(m.answer)
    buttons = [{"title": b.title, "payload": b.payload} for b in (payload.buttons if payload and payload.buttons else m.buttons)]
    out: dict[str, Any] = {
        "role": "bot",
        "text": m.text,
        "buttons": [b for b in buttons if b["title"] and b["payload"]],
    }
    if not m.answer:
        return out
    draft = draft_json(m.answer, payload.lang if payload else None)
    if draft:
        out["draft"] = draft
    answer_id = base_answer_id(m.answer_id) if m.is_legal_answer and votable else None
    if payload is not None:
        out["answer"] = {
            "answer_id": answer_id, "vote": vote if answer_id else None, "lang": payload.lang, "view": payload.view,
            "topic": payload.topic, "sections": [s.to_dict() for s in payload.sections],
            "citations": [c.to_dict() for c in payload.citations],
        }
        if not m.text:
            out["text"] = payload.plain_text()
        return out
    citations = [c.to_dict() for c in citations_from(m.answer.get("citations"))]
    if answer_id or citations:
        out["answer"] = {"answer_id": answer_id, "citations": citations, "vote": vote if answer_id else None}
    return out


def messages_json(messages: list[BotMessage], votes: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """A reply's messages for the widget; an answer sent in several parts has one vote, under its
    last part, recorded under the first part's id."""
    votes = votes or {}
    out = []
    for n, m in enumerate(messages):
        base = base_answer_id(m.answer_id)
        continued = base is not None and n + 1 < len(messages) and base_answer_id(messages[n + 1].answer_id) == base
        out.append(message_json(m, votes.get(base or ""), votable=not continued))
    return out


def button_title(payload: str, offered: dict[str, str], lang: str | None) -> str | None:
    """What the chat showed for a pressed button: the title it had when it was offered, else for a
    "more" button the title of its view; None for any other payload nobody offered (the history
    shows nothing for it rather than raw JSON); a typed message is shown as typed."""
    if payload in offered:
        return offered[payload]
    if payload in ENTRY_BUTTONS:
        return catalog_text(ENTRY_BUTTONS[payload], lang if lang in ("kk", "ru") else "ru")
    if not is_payload(payload):
        return payload
    more = parse_show_more(payload)
    if more is None:
        return None
    key = "answer.button.law_next" if more.view == "law" and more.page and more.page > 1 else f"answer.button.{more.view}"
    return catalog_text(key, lang if lang in ("kk", "ru") else "ru")


def user_json(text: str, language: str | None = None) -> dict[str, Any]:
    return {"role": "user", "text": text, "language": language}
