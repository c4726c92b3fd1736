"""The one typed answer payload: what the action server sends with every legal answer
(``custom.type == "tendik_answer"``) and every front end renders from its structure.

An answer is a list of sections (title, the plain statements, the verbatim law, the next steps,
where to go, time limits, notes, the disclaimer), the citations the law sections quote (verbatim,
with edition), and buttons that open the rest of the answer (the full norms, what to do, where to
go and by when) or another feature. Nothing downstream parses the answer text: Telegram and the
widget render the sections; :meth:`AnswerPayload.plain_text` renders them once for clients that
show only text (the REST channel's ``text``, the terminal chat, the review transcript).

Standard library only; :meth:`AnswerPayload.from_dict` never fails on what it reads back from a
tracker or a reply (missing or garbage fields become empty values).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from tendik.citation import Citation, citations_from

TYPE = "tendik_answer"
VERSION = 2
# Section kinds, in the order they usually appear. ``law`` sections quote citations verbatim.
KINDS = ("title", "situation", "lead", "law", "steps", "route", "deadline", "see_also", "note", "warning", "disclaimer")
# How plain text marks a section (the emoji the answers always used).
MARKS = {"title": "📌 ", "law": "📖 ", "steps": "✅ ", "route": "🏛 ", "deadline": "⏳ ", "note": "⚠️ ", "warning": "⚠️ "}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> Mapping[Any, Any]:
    return value if isinstance(value, Mapping) else {}


@dataclass
class Section:
    kind: str
    heading: str = ""
    text: str = ""
    items: list[str] = field(default_factory=list)  # numbered steps, or listed citations
    citations: list[int] = field(default_factory=list)  # indices into AnswerPayload.citations, quoted verbatim
    notes: list[str] = field(default_factory=list)  # per quoted citation: its warning line ("" when none)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "heading": self.heading, "text": self.text, "items": list(self.items),
                "citations": list(self.citations), "notes": list(self.notes)}

    @classmethod
    def from_dict(cls, data: Any) -> Section | None:
        if not isinstance(data, Mapping) or _str(data.get("kind")) not in KINDS:
            return None
        items = _list(data.get("items"))
        cites = _list(data.get("citations"))
        notes = _list(data.get("notes"))
        return cls(
            kind=_str(data.get("kind")), heading=_str(data.get("heading")), text=_str(data.get("text")),
            items=[_str(i) for i in items], citations=[int(i) for i in cites if isinstance(i, int) and not isinstance(i, bool)],
            notes=[_str(n) for n in notes],
        )


# A section of a part being packed, with the citations it quotes (its own indices are assigned
# when the part is built).
_Piece = tuple[Section, list[Citation]]


@dataclass
class Button:
    title: str
    payload: str  # a Rasa payload: "/ask_time_limits" or '/show_more{"view": "law", "topic": "exp-equal-pay"}'

    def to_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


# A draft order: at most this many fields, each value at most this long (what the front ends accept).
DRAFT_FIELDS_MAX = 40
DRAFT_VALUE_MAX = 2000
BLANK = "__blank__"  # a draft field the worker fills in by hand (rendered as a blank line)


@dataclass(frozen=True)
class DraftOrder:
    """A draft the front ends turn into files (tendik.drafts.files.files_for): the template, the
    language and the values the self-check and the draft questions gave (``BLANK``: to be filled
    in by hand). The values are the user's own data: kept only in the conversation (the tracker,
    deleted with it), never logged, redacted in the review app."""

    template: str
    lang: str
    fields: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"template": self.template, "lang": self.lang, "fields": dict(self.fields)}

    @classmethod
    def from_dict(cls, data: Any) -> DraftOrder | None:
        """The order read back, or None when it cannot be one (no template, a language that is not
        kk/ru, fields that are not short strings)."""
        if not isinstance(data, Mapping):
            return None
        template, lang, fields = data.get("template"), data.get("lang"), _mapping(data.get("fields"))
        if not isinstance(template, str) or not template or len(template) > 64 or lang not in ("kk", "ru"):
            return None
        if len(fields) > DRAFT_FIELDS_MAX:
            return None
        clean = {k: v for k, v in fields.items() if isinstance(k, str) and isinstance(v, str) and len(k) <= 64}
        if len(clean) != len(fields) or any(len(v) > DRAFT_VALUE_MAX for v in clean.values()):
            return None
        return cls(template, str(lang), clean)


@dataclass(frozen=True)
class HandoffOrder:
    """The user agreed to hand the conversation to a person: what they agreed to share (``summary``:
    the situation, the self-check's answers and their last messages, personal data redacted;
    ``contact`` only when they chose to share one). The front end that carries the conversation
    opens the case (tendik.handoff.store.open_case) and tells the user their place in the queue."""

    summary: dict[str, Any] = field(default_factory=dict)
    contact: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"summary": dict(self.summary), "contact": self.contact}

    @classmethod
    def from_dict(cls, data: Any) -> HandoffOrder | None:
        if not isinstance(data, Mapping) or not isinstance(data.get("summary"), Mapping):
            return None
        contact = data.get("contact")
        return cls(dict(data["summary"]), contact[:200] if isinstance(contact, str) and contact.strip() else None)


@dataclass
class AnswerPayload:
    lang: str
    sections: list[Section]
    citations: list[Citation] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    knowledge_ids: list[str] = field(default_factory=list)
    source: str = "intent"  # intent | situation | retrieval | view | none
    view: str = "short"  # short | law | steps | route | full
    topic: str | None = None  # the explanation the answer belongs to
    situation: dict[str, Any] = field(default_factory=dict)  # grounds, stage, employer, date recognised
    scores: dict[str, float] = field(default_factory=dict)
    # Names this answer for votes and reviews (stored by Rasa with the bot message).
    answer_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # A draft to deliver as files with this answer (Telegram: sendDocument; the widget: downloads).
    draft: DraftOrder | None = None
    # The conversation goes to a person with this consented summary (the front end opens the case).
    handoff: HandoffOrder | None = None

    # ---------------------------------------------------------------- serialisation
    def to_dict(self) -> dict[str, Any]:
        return {
            "type": TYPE,
            "version": VERSION,
            "answer_id": self.answer_id,
            "lang": self.lang,
            "source": self.source,
            "view": self.view,
            "topic": self.topic,
            "knowledge_ids": list(self.knowledge_ids),
            "situation": dict(self.situation),
            "sections": [s.to_dict() for s in self.sections],
            "citations": [c.to_dict() for c in self.citations],
            "buttons": [b.to_dict() for b in self.buttons],
            "scores": dict(self.scores),
            **({"draft": self.draft.to_dict()} if self.draft else {}),
            **({"handoff": self.handoff.to_dict()} if self.handoff else {}),
        }

    @classmethod
    def from_dict(cls, data: Any) -> AnswerPayload | None:
        """The payload read back, or None when ``data`` is not a tendik answer. Sections that
        point at citations that are not there lose those pointers."""
        if not isinstance(data, Mapping) or data.get("type") != TYPE:
            return None
        citations = citations_from(data.get("citations"))
        sections = [s for s in (Section.from_dict(x) for x in _list(data.get("sections"))) if s]
        for s in sections:
            s.citations = [i for i in s.citations if 0 <= i < len(citations)]
        buttons = [
            Button(_str(b.get("title")), _str(b.get("payload")))
            for b in _list(data.get("buttons")) if isinstance(b, Mapping) and b.get("title") and b.get("payload")
        ]
        knowledge = _list(data.get("knowledge_ids"))
        situation = _mapping(data.get("situation"))
        scores = _mapping(data.get("scores"))
        return cls(
            lang=_str(data.get("lang")) or "ru", sections=sections, citations=citations, buttons=buttons,
            knowledge_ids=[_str(k) for k in knowledge], source=_str(data.get("source")) or "intent",
            view=_str(data.get("view")) or "short", topic=_str(data.get("topic")) or None, situation=dict(situation),
            scores={_str(k): float(v) for k, v in scores.items() if isinstance(v, (int, float)) and not isinstance(v, bool)},
            answer_id=_str(data.get("answer_id")) or uuid.uuid4().hex,
            draft=DraftOrder.from_dict(data.get("draft")),
            handoff=HandoffOrder.from_dict(data.get("handoff")),
        )

    # ---------------------------------------------------------------- one message at most ``limit`` long
    def parts(self, limit: int = 4096) -> list[AnswerPayload]:
        """The answer as consecutive messages whose plain text is at most ``limit`` characters:
        split between sections, then between quoted citations, then a long citation between
        lines (each piece stays verbatim and cited; "(1/2)" follows its citation). The buttons go
        with the last part (and the draft order); each part is a complete payload."""
        if len(self.plain_text()) <= limit:
            return [self]
        pieces = self._pieces(limit)
        parts: list[AnswerPayload] = []
        current: list[_Piece] = []
        for piece in pieces:
            if current and len(self._with([*current, piece]).plain_text()) > limit:
                parts.append(self._with(current))
                current = []
            current.append(piece)
        if current:
            parts.append(self._with(current))
        for n, part in enumerate(parts):
            part.buttons = list(self.buttons) if n == len(parts) - 1 else []
            part.draft = self.draft if n == len(parts) - 1 else None
            part.handoff = self.handoff if n == len(parts) - 1 else None
            part.answer_id = self.answer_id if n == 0 else f"{self.answer_id}-{n + 1}"
        return parts

    def _with(self, pieces: list[_Piece]) -> AnswerPayload:
        """A payload of these pieces: their sections, quoting only their own citations (renumbered)."""
        used: list[Citation] = []
        out: list[Section] = []
        for section, quotes in pieces:
            out.append(Section(section.kind, section.heading, section.text, list(section.items),
                               list(range(len(used), len(used) + len(quotes))), list(section.notes)))
            used += quotes
        return AnswerPayload(lang=self.lang, sections=out, citations=used, knowledge_ids=list(self.knowledge_ids),
                             source=self.source, view=self.view, topic=self.topic, situation=dict(self.situation),
                             scores=dict(self.scores), answer_id=self.answer_id)

    def _pieces(self, limit: int) -> list[_Piece]:
        """Sections no longer than the limit, each with the citations it quotes (law sections one
        citation each, long texts and long citations in chunks)."""
        out: list[_Piece] = []
        budget = max(limit - 400, 200)  # room for the heading, citation line and notes
        for s in self.sections:
            if s.kind != "law":
                chunks = _chunks(s.text, budget) if s.text else [""]
                out += [(Section(s.kind, s.heading if n == 0 else "", chunk, list(s.items) if n == len(chunks) - 1 else []), [])
                        for n, chunk in enumerate(chunks)]
                continue
            for n, i in enumerate(s.citations):
                c = self.citations[i]
                note = s.notes[n] if n < len(s.notes) else ""
                chunks = _chunks(c.text, budget)
                for k, chunk in enumerate(chunks):
                    piece = c if len(chunks) == 1 else replace(c, text=chunk, citation=f"{c.citation} ({k + 1}/{len(chunks)})")
                    heading = s.heading if n == 0 and k == 0 else ""
                    out.append((Section("law", heading, "", [], [], [note if k == len(chunks) - 1 else ""]), [piece]))
        return out

    # ---------------------------------------------------------------- rendering for plain text
    def quoted(self) -> list[Citation]:
        """The citations quoted verbatim somewhere in the answer, in order."""
        seen: list[int] = []
        for s in self.sections:
            seen += [i for i in s.citations if i not in seen]
        return [self.citations[i] for i in seen]

    def plain_text(self) -> str:
        """The answer as plain text, for clients that show only text: one block per section."""
        blocks = []
        for s in self.sections:
            mark = MARKS.get(s.kind, "")
            if s.kind == "title":
                blocks.append(f"{mark}{s.text}")
            elif s.kind == "situation":
                blocks.append(f"{s.heading}: {s.text}" if s.heading else s.text)
            elif s.kind == "law":
                quotes = []
                for n, i in enumerate(s.citations):
                    c = self.citations[i]
                    note = s.notes[n] if n < len(s.notes) else ""
                    quotes.append(f"• {c.citation[:1].upper()}{c.citation[1:]}, {c.edition}:\n«{c.text}»" + (f"\n{note}" if note else ""))
                body = "\n\n".join(quotes)
                blocks.append(f"{mark}{s.heading}:\n{body}" if s.heading else body)
            elif s.items:
                numbered = s.kind == "steps"
                lines = [f"{n}. {item}" if numbered else f"– {item}" for n, item in enumerate(s.items, 1)]
                head = f"{mark}{s.heading}:" if s.heading else mark.strip()
                blocks.append("\n".join(([head] if head else []) + ([s.text] if s.text else []) + lines))
            elif s.text:
                head = f"{mark}{s.heading}:\n" if s.heading else mark
                blocks.append(f"{head}{s.text}")
        return "\n\n".join(b for b in blocks if b.strip())


def _chunks(text: str, size: int) -> list[str]:
    """``text`` in pieces of at most ``size`` characters, cut after a line, else after a sentence,
    else after a space (else hard); no character but the whitespace at a cut is lost."""
    pieces: list[str] = []
    while len(text) > size:
        window = text[:size]
        cut = max(window.rfind("\n"), 0)
        if cut < size // 3:
            cut = max(window.rfind(". "), window.rfind("; "))
            cut = cut + 1 if cut >= size // 3 else window.rfind(" ")
        if cut < size // 3:
            cut = size
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    pieces.append(text)
    return [p for p in pieces if p] or [""]
