"""A filled draft as a DOCX file (python-docx): the draft mark in every page's header and boxed at
the top, the title, the body block by block, the attachments list, and in every page's footer the
norms it rests on with their editions. Deterministic: the document's dates are the draft's own
date (its ``today`` field) and the zip entries carry a fixed time, so the same draft gives the
same bytes."""

from __future__ import annotations

import datetime
import io
import logging
import zipfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from tendik.drafts.render import Block, FilledDraft

logger = logging.getLogger(__name__)

FONT = "Times New Roman"  # Kazakh letters are in it (and in LibreOffice's metric twin, Liberation Serif)
RED = RGBColor(0xB0, 0x00, 0x00)
GREY = RGBColor(0x55, 0x55, 0x55)
AUTHOR = "Теңдік"
FALLBACK_DATE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _box(paragraph: Paragraph) -> None:
    """A single-line border around the paragraph (the draft mark)."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "12")
        el.set(qn("w:space"), "4")
        el.set(qn("w:color"), "B00000")
        borders.append(el)
    p_pr.append(borders)


def _para(container: object, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
          color: RGBColor | None = None, align: WD_ALIGN_PARAGRAPH | None = None, style: str | None = None, space_before: float = 0) -> Paragraph:
    paragraph: Paragraph = container.add_paragraph(style=style) if style else container.add_paragraph()  # type: ignore[attr-defined]
    run = paragraph.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(2)
    fmt.space_before = Pt(space_before)
    return paragraph


def _block(doc: object, block: Block, space_before: float) -> None:
    size = 10.5 if block.notes else None
    kind = block.kind
    if kind == "mark":
        _box(_para(doc, block.text, bold=True, size=13, color=RED, space_before=space_before))
    elif kind == "title":
        _para(doc, block.text, bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=space_before)
    elif kind == "subtitle":
        _para(doc, block.text, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=space_before)
    elif kind in ("heading", "notes_heading"):
        _para(doc, block.text, bold=True, size=size, space_before=space_before)
    elif kind == "bullet":
        _para(doc, block.text, size=size, style="List Bullet", space_before=space_before)
    elif kind == "hint":
        _para(doc, block.text, italic=True, color=GREY, size=size, space_before=space_before)
    elif kind == "separator":
        _para(doc, block.text, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=space_before)
    else:
        _para(doc, block.text, size=size, space_before=space_before)


def _normalise_zip(data: bytes) -> bytes:
    """The same entries in the same order with a fixed time (python-docx stamps the current one)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def render_docx(draft: FilledDraft) -> bytes:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(25), Mm(15)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = header.add_run(draft.mark)
    run.bold, run.font.color.rgb, run.font.size = True, RED, Pt(10)
    footer = section.footer
    first = footer.paragraphs[0]
    run = first.add_run(draft.norms_heading)
    run.bold, run.font.size = True, Pt(8)
    for line in draft.norms:
        _para(footer, line.text(), size=8).paragraph_format.space_after = Pt(0)

    _para(doc, draft.title, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.space_after = Pt(8)
    gap = 0.0
    for block in draft.blocks():
        if block.kind == "blank":
            gap = 8.0
            continue
        _block(doc, block, gap)
        gap = 0.0
    if draft.attachments:
        _para(doc, draft.attachments_heading, bold=True, space_before=10)
        for item in draft.attachments:
            _para(doc, item, style="List Number")

    stamp = (datetime.datetime.combine(draft.date, datetime.time(), tzinfo=datetime.UTC)
             if draft.date else FALLBACK_DATE)
    core = doc.core_properties
    core.title, core.author, core.last_modified_by = draft.title, AUTHOR, AUTHOR
    core.created = core.modified = core.last_printed = stamp
    core.revision = 1
    core.comments = core.keywords = core.subject = core.category = ""
    buf = io.BytesIO()
    doc.save(buf)
    data = _normalise_zip(buf.getvalue())
    logger.debug("docx %s (%s): %d bytes", draft.template_id, draft.lang, len(data))
    return data
