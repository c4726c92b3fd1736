"""What the front ends call: the draft files for a template, language and the user's fields.

``make_files("claim-outline", fields, "kk", today=date)`` -> [DraftFile(name, mime, data), ...]
(DOCX and PDF; names carry no personal data). :func:`program_fields` fills the fields the program
owns: ``ground`` (the self-check's grounds by their names in knowledge/situations) and ``norms``
(the cited articles in the standard form). Raises :class:`tendik.drafts.render.MissingFields` /
``BadDates`` (with ``message(lang)`` for the user) before any file is made.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from tendik.drafts.docx_out import render_docx
from tendik.drafts.pdf_out import render_pdf
from tendik.drafts.render import FilledDraft, fill, load_templates
from tendik.knowledge.explanations import ParagraphRef
from tendik.knowledge.norms import load_norms
from tendik.knowledge.situations import load_situations
from tendik.payload import DraftOrder

TIMEZONE = ZoneInfo("Asia/Almaty")

MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
FORMATS = tuple(MIME)


@dataclass(frozen=True)
class DraftFile:
    name: str
    mime: str
    data: bytes


def render(draft: FilledDraft, fmt: str) -> DraftFile:
    if fmt == "docx":
        data = render_docx(draft)
    elif fmt == "pdf":
        data = render_pdf(draft)
    else:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    return DraftFile(draft.file_name(fmt), MIME[fmt], data)


def make_files(template_id: str, fields: Mapping[str, object], lang: str, *, today: datetime.date,
               formats: Iterable[str] = FORMATS) -> list[DraftFile]:
    draft = fill(template_id, fields, lang, today=today)
    return [render(draft, fmt) for fmt in formats]


def program_fields(grounds: Iterable[str], refs: Iterable[str | ParagraphRef], lang: str) -> dict[str, str]:
    """``ground``: the grounds' names joined ("пол, возраст"); ``norms``: each cited paragraph in the
    standard form ("статья 6 Трудового кодекса РК (пункт 2)"), in order, once each. Unknown
    grounds are left out; an empty part is not returned (so its template block is dropped)."""
    sk = load_situations()
    names = [sk.grounds[g].name[lang] for g in dict.fromkeys(grounds) if g in sk.grounds and g != "other"]
    norms = load_norms()
    cited = []
    for raw in dict.fromkeys(str(r) for r in refs):
        ref = ParagraphRef.parse(raw)
        norm = norms[ref.norm_id]
        cited.append(norm.citation(lang, None if ref.paragraph == "0" else ref.paragraph))
    out = {}
    if names:
        out["ground"] = ", ".join(names)
    if cited:
        out["norms"] = "; ".join(dict.fromkeys(cited))
    return out


def files_for(order: DraftOrder, *, today: datetime.date | None = None, formats: Iterable[str] = FORMATS) -> list[DraftFile]:
    """The files of a draft order from an answer payload (``today``: Asia/Almaty's date when not
    given). Raises :class:`KeyError` for an unknown template, ``DraftError`` (``message(lang)``)
    when the values cannot fill it."""
    templates = load_templates()
    if order.template not in templates:
        raise KeyError(order.template)
    day = today or datetime.datetime.now(TIMEZONE).date()
    return make_files(order.template, order.fields, order.lang, today=day, formats=formats)
