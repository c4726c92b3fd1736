"""A ``tendik_answer`` payload (:class:`tendik.payload.AnswerPayload`) as Telegram HTML messages,
rendered from its sections: nothing here reads the answer's text back.

Every string from the payload is escaped; only our own tags are added: the title and headings in
bold, each quoted norm as a bold "citation, edition" line over a blockquote with its note lines in
italics, steps numbered, the disclaimer in italics. Messages stay within Telegram's 4,096
characters (as Telegram counts them): sections are packed whole while they fit; a law section is
cut between its quotes; a single block longer than a message (one huge norm) is split at blank
lines, else line breaks, else spaces, with its tags closed and reopened (:func:`split_html`).
"""

from __future__ import annotations

import logging

from tendik.common.answer_payloads import read_answer as answer_payload
from tendik.payload import MARKS, AnswerPayload, Section
from tendik.telegram.html_text import TELEGRAM_LIMIT, escape, split_html, visible_len

__all__ = ["answer_payload", "render_answer", "section_blocks"]

logger = logging.getLogger(__name__)
SEPARATOR = "\n\n"


def _cap(value: str) -> str:
    return value[:1].upper() + value[1:]


def _heading(s: Section, colon: bool = False) -> str:
    if not s.heading.strip():
        return ""
    return f"<b>{escape(MARKS.get(s.kind, '') + s.heading.strip())}{':' if colon else ''}</b>"


def _quote(p: AnswerPayload, s: Section, n: int, index: int) -> str:
    c = p.citations[index]
    head = ", ".join(x for x in (_cap(c.citation.strip()), c.edition.strip()) if x)
    lines = [f"<b>{escape(head)}</b>"] if head else []
    if c.text.strip():
        lines.append(f"<blockquote>{escape(c.text.strip())}</blockquote>")
    note = s.notes[n].strip() if n < len(s.notes) else ""
    if note:
        lines.append(f"<i>{escape(note)}</i>")
    return "\n".join(lines)


def section_blocks(p: AnswerPayload, s: Section) -> list[str]:
    """One section as Telegram HTML blocks (a law section: one block per quoted norm, its heading
    on the first), never empty strings."""
    text = s.text.strip()
    items = [i.strip() for i in s.items if i.strip()]
    if s.kind == "title":
        return [f"<b>{escape(MARKS['title'] + text)}</b>"] if text else []
    if s.kind == "situation":
        if not text:
            return []
        return [f"{_heading(s, colon=True)} {escape(text)}" if s.heading.strip() else escape(text)]
    if s.kind == "law":
        quotes = [q for n, i in enumerate(s.citations) if 0 <= i < len(p.citations) and (q := _quote(p, s, n, i))]
        if not quotes:
            return []
        head = _heading(s)
        return [f"{head}\n{quotes[0]}" if head else quotes[0], *quotes[1:]]
    if s.kind == "disclaimer":
        return [f"<i>{escape(text)}</i>"] if text else []
    if s.kind in ("note", "warning") and not items:
        return [escape(MARKS[s.kind] + text)] if text else []
    if not text and not items:
        return []
    lines = [_heading(s)] if s.heading.strip() else ([escape(MARKS[s.kind].strip())] if s.kind in MARKS else [])
    if text:
        lines.append(escape(text))
    numbered = s.kind == "steps"
    lines += [escape(f"{n}. {item}" if numbered else f"– {item}") for n, item in enumerate(items, 1)]
    return ["\n".join(x for x in lines if x)]


def render_answer(p: AnswerPayload, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The answer as Telegram HTML messages, each at most ``limit`` characters as Telegram counts
    them, split only between sections (or quotes) unless one block alone is too long."""
    blocks = [b for s in p.sections for b in section_blocks(p, s)]
    messages: list[str] = []
    current = ""
    for block in blocks:
        joined = f"{current}{SEPARATOR}{block}" if current else block
        if visible_len(joined) <= limit:
            current = joined
            continue
        if visible_len(block) <= limit:
            if current:
                messages.append(current)
            current = block
            continue
        pieces = split_html(joined, limit)  # one norm longer than a message: fill this one, go on
        messages += pieces[:-1]
        current = pieces[-1] if pieces else ""
    if current:
        messages.append(current)
    return messages
