"""The bot's replies as the widget shows them: plain data, never HTML.

A legal answer's text quotes (some of) its norms verbatim in a "📖 What the law says" block; the
widget shows every citation of the answer as an expandable card instead. :func:`display_segments`
replaces that block with a ``citations`` segment, but only when every quote in the block is the
exact text of one of the answer's citations (so no quoted norm can disappear); otherwise the text
is shown whole and the cards follow it.
"""

from __future__ import annotations

from typing import Any

from tendik.citation import citations_from, safe_url
from tendik.common.rasa_client import BotMessage

__all__ = ["LAW_MARK", "display_segments", "message_json", "safe_url", "user_json"]

LAW_MARK = "📖 "


def display_segments(text: str, citations: list[dict[str, Any]]) -> list[dict[str, str]] | None:
    """``[{"type": "text", ...}, {"type": "citations", "heading": ...}, {"type": "text", ...}]`` or
    None when the text has no law block that the citation cards fully cover.

    The block is "📖 <heading>:" followed by quotes "• <citation>, <edition>:\\n«<norm text>»" (each
    maybe followed by a one-line note), as ``tendik.answers`` writes them. Each quote must be the
    exact text of one of the citations, or nothing is cut."""
    if not text or not citations:
        return None
    norm_texts = sorted({str(c.get("text")) for c in citations if c.get("text")}, key=len, reverse=True)
    if text.startswith(LAW_MARK):
        start = 0
    else:
        found = text.find("\n\n" + LAW_MARK)
        if found < 0:
            return None
        start = found + 2
    head_end = text.find("\n", start)
    if head_end < 0:
        return None
    heading = text[start:head_end]
    pos, quotes = head_end + 1, 0
    while text.startswith("• ", pos):
        opening = text.find(":\n«", pos)
        if opening < 0 or "\n" in text[pos:opening]:
            return None
        quote = opening + 2
        matched = next((t for t in norm_texts if text.startswith(f"«{t}»", quote)), None)
        if matched is None:
            return None  # a quote that no card shows verbatim: keep the text whole
        quotes += 1
        following = text.find("\n\n", quote + len(matched) + 2)
        if following < 0:
            pos = len(text)
            break
        pos = following + 2
    if not quotes:
        return None
    segments: list[dict[str, str]] = []
    before, after = text[:start].strip(), text[pos:].strip() if pos < len(text) else ""
    if before:
        segments.append({"type": "text", "text": before})
    segments.append({"type": "citations", "heading": heading.removeprefix(LAW_MARK).rstrip(":").strip()})
    if after:
        segments.append({"type": "text", "text": after})
    return segments


def message_json(m: BotMessage, vote: str | None = None) -> dict[str, Any]:
    """One bot message for the widget: text, buttons, and for a legal answer its id, citations
    (structured, verbatim from the knowledge base) and display segments."""
    out: dict[str, Any] = {
        "role": "bot",
        "text": m.text,
        "buttons": [{"title": b.title, "payload": b.payload} for b in m.buttons if b.title and b.payload],
    }
    if m.answer:
        citations = [c.to_dict() for c in citations_from(m.answer.get("citations"))]
        if m.is_legal_answer and m.answer_id:
            out["answer"] = {"answer_id": str(m.answer_id), "citations": citations, "vote": vote}
        elif citations:
            out["answer"] = {"answer_id": None, "citations": citations, "vote": None}
        segments = display_segments(m.text, citations)
        if segments:
            out["segments"] = segments
    return out


def user_json(text: str, language: str | None = None) -> dict[str, Any]:
    return {"role": "user", "text": text, "language": language}
