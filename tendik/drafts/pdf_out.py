"""A filled draft as a PDF (fpdf2) in DejaVu Sans from Debian's fonts-dejavu-core, so every
Kazakh letter (әғқңөұүһі ӘҒҚҢӨҰҮҺІ) renders and extracts as text: the draft mark in every page's
header and boxed at the top, the title, the body, the attachments, and in every page's footer the
norms it rests on with their editions and the page number. Deterministic: the creation date is the
draft's own date (its ``today`` field), and fpdf2's file id is derived from it and the content.

The fonts are looked up with ``fc-match`` and at Debian's path; :class:`FontsMissing` says how to
install them when neither finds them."""

from __future__ import annotations

import datetime
import functools
import logging
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from tendik.drafts.render import Block, FilledDraft
from tendik.texts import text

logger = logging.getLogger(__name__)

DEBIAN_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
FAMILY = "dejavu"
FALLBACK_DATE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
RED = (176, 0, 0)
GREY = (85, 85, 85)
LINE = 5.2  # mm per body line at 11 pt
FOOT_LINE = 3.0  # mm per footer line at 7 pt


class FontsMissing(RuntimeError):
    """The DejaVu fonts are not installed."""


def _fc_match(pattern: str) -> Path | None:
    exe = shutil.which("fc-match")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "-f", "%{file}", pattern], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else None
    return path if path is not None and path.is_file() else None


def find_fonts(directories: Sequence[Path] | None = None, use_fc_match: bool = True) -> tuple[Path, Path]:
    """(regular, bold) DejaVu Sans font files: fc-match's answer when it is DejaVu Sans itself (not
    a substitute), else the first of ``directories`` (Debian's path by default) that has both."""
    found: dict[str, Path] = {}
    if use_fc_match:
        for name, pattern in ((REGULAR, "DejaVu Sans:style=Book"), (BOLD, "DejaVu Sans:style=Bold")):
            path = _fc_match(pattern)
            if path is not None and path.name == name:
                found[name] = path
    for directory in directories if directories is not None else (DEBIAN_DIR,):
        for name in (REGULAR, BOLD):
            if name not in found and (directory / name).is_file():
                found[name] = directory / name
    if REGULAR not in found or BOLD not in found:
        missing = ", ".join(n for n in (REGULAR, BOLD) if n not in found)
        raise FontsMissing(f"font files not found: {missing}. Install the Debian package fonts-dejavu-core "
                           "(apt-get install fonts-dejavu-core): the PDF drafts need DejaVu Sans for the Kazakh letters.")
    return found[REGULAR], found[BOLD]


@functools.lru_cache(maxsize=1)
def _fonts() -> tuple[Path, Path]:
    return find_fonts()


class _DraftPDF(FPDF):
    def __init__(self, draft: FilledDraft, fonts: tuple[Path, Path]) -> None:
        super().__init__(format="A4", unit="mm")
        self.draft = draft
        self.add_font(FAMILY, "", str(fonts[0]))
        self.add_font(FAMILY, "B", str(fonts[1]))
        self.set_margins(25, 18, 15)
        self.footer_lines = [draft.norms_heading, *(n.text() for n in draft.norms)]
        self.footer_height = 0.0

    def first_page(self) -> None:
        """The first page, then the footer's height (measured on it) as the bottom margin."""
        self.add_page()
        self.footer_height = self._footer_height()
        self.set_auto_page_break(True, margin=self.footer_height + 6)

    def _footer_height(self) -> float:
        self.set_font(FAMILY, "", 7)
        lines = 1  # the page number
        for line in self.footer_lines:
            wrapped = self.multi_cell(0, FOOT_LINE, line, dry_run=True, output="LINES")
            lines += len(wrapped) if isinstance(wrapped, list) else 1
        return lines * FOOT_LINE + 2

    def header(self) -> None:
        self.set_font(FAMILY, "B", 9)
        self.set_text_color(*RED)
        self.cell(0, 5, self.draft.mark, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.ln(3)

    def footer(self) -> None:
        self.set_y(-self.footer_height - 4)
        self.set_text_color(*GREY)
        for n, line in enumerate(self.footer_lines):
            self.set_font(FAMILY, "B" if n == 0 else "", 7)
            self.multi_cell(0, FOOT_LINE, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "", 7)
        page = text("drafts.page", self.draft.lang, page=self.page_no(), pages="{nb}")
        self.cell(0, FOOT_LINE, page, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)

    def para(self, body: str, *, bold: bool = False, size: float = 11, color: tuple[int, int, int] = (0, 0, 0),
             align: str = "L", indent: float = 0, border: Literal[0, 1] = 0, line: float = LINE) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*color)
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, line, body, border=border, align=align, padding=2 if border else 0,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)

    def block(self, block: Block) -> None:
        size = 10 if block.notes else 11
        line = LINE * size / 11
        kind = block.kind
        if kind == "blank":
            self.ln(2.5)
        elif kind == "mark":
            self.para(block.text, bold=True, size=12, color=RED, border=1)
        elif kind == "title":
            self.para(block.text, bold=True, size=12, align="C")
        elif kind == "subtitle":
            self.para(block.text, align="C")
        elif kind in ("heading", "notes_heading"):
            self.para(block.text, bold=True, size=size, line=line)
        elif kind == "bullet":
            self.para("• " + block.text, size=size, indent=3, line=line)
        elif kind == "hint":
            self.para(block.text, size=size, color=GREY, line=line)
        elif kind == "separator":
            self.para(block.text, align="C")
        else:
            self.para(block.text, size=size, line=line)


def attachment_line(n: int, item: str) -> str:
    return f"{n}. {item}"


def render_pdf(draft: FilledDraft, fonts: tuple[Path, Path] | None = None) -> bytes:
    pdf = _DraftPDF(draft, fonts or _fonts())
    pdf.set_title(draft.title)
    pdf.set_author("Теңдік")
    pdf.set_creator("Теңдік")
    pdf.set_creation_date(datetime.datetime.combine(draft.date, datetime.time(), tzinfo=datetime.UTC)
                          if draft.date else FALLBACK_DATE)
    pdf.set_lang("kk-KZ" if draft.lang == "kk" else "ru-RU")
    pdf.first_page()
    pdf.para(draft.title, bold=True, size=13, align="C")
    pdf.ln(3)
    for block in draft.blocks():
        pdf.block(block)
    if draft.attachments:
        pdf.ln(4)
        pdf.para(draft.attachments_heading, bold=True)
        for n, item in enumerate(draft.attachments, 1):
            pdf.para(attachment_line(n, item), indent=3)
    data = bytes(pdf.output())
    logger.debug("pdf %s (%s): %d pages, %d bytes", draft.template_id, draft.lang, pdf.page_no(), len(data))
    return data
