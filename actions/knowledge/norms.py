"""Stored norms (knowledge/norms/*.yml): loading, paragraphs and citations in the standard forms."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
NORMS_DIR = ROOT / "knowledge" / "norms"
# Editions older than this are shown with a warning to check the current text.
STALE_BEFORE = date(2025, 1, 1)

PARA = re.compile(r"^(\d+)\.\s")
SUB_NUM = re.compile(r"^\s+(\d+)\)\s")
SUB_LETTER = re.compile(r"^\(([a-z])\)\s")

CODE_NAMES = {
    "tk": {"ru": "Трудового кодекса РК", "kk": "Еңбек кодексінің", "unit_ru": "пункт", "unit_kk": "тармақ"},
    "koap": {
        "ru": "Кодекса РК об административных правонарушениях",
        "kk": "Әкімшілік құқық бұзушылық туралы кодекстің",
        "unit_ru": "часть",
        "unit_kk": "бөлік",
    },
    "uk": {"ru": "Уголовного кодекса РК", "kk": "Қылмыстық кодекстің", "unit_ru": "часть", "unit_kk": "бөлік"},
    "gpk": {
        "ru": "Гражданского процессуального кодекса РК",
        "kk": "Азаматтық процестік кодекстің",
        "unit_ru": "часть",
        "unit_kk": "бөлік",
    },
    "const2026": {
        "ru": "Конституции РК 2026 года",
        "kk": "2026 жылғы Конституцияның",
        "unit_ru": "пункт",
        "unit_kk": "тармақ",
    },
    "ilo-c111": {
        "ru": "Конвенции МОТ № 111",
        "kk": "ХЕҰ-ның № 111 Конвенциясының",
        "unit_ru": "пункт",
        "unit_kk": "тармақ",
    },
    "ilo-c100": {
        "ru": "Конвенции МОТ № 100",
        "kk": "ХЕҰ-ның № 100 Конвенциясының",
        "unit_ru": "пункт",
        "unit_kk": "тармақ",
    },
}


@dataclass
class NormVersion:
    lang: str
    text: str
    source_file: str
    source_url: str
    primary_source: str
    edition: str
    edition_note: str

    def paragraphs(self) -> dict[str, str]:
        return split_paragraphs(self.text)


@dataclass
class Norm:
    id: str
    code: str
    article: str
    versions: dict[str, NormVersion] = field(default_factory=dict)

    def version(self, lang: str) -> tuple[NormVersion, bool]:
        """The text in ``lang``; otherwise the best other language. Returns (version, is_fallback)."""
        if lang in self.versions:
            return self.versions[lang], False
        for other in ("ru", "kk", "en"):
            if other in self.versions:
                return self.versions[other], True
        raise KeyError(self.id)

    def citation(self, lang: str, paragraph: str | None = None) -> str:
        return format_citation(self.code, self.article, lang, paragraph)


def split_paragraphs(text: str) -> dict[str, str]:
    """Map paragraph keys to verbatim text: "2" (paragraph 2.), "1.15" (item 15) of para 1),
    "1.a" (item (a) of para 1), "0" for text not in a numbered paragraph. Footnotes ("> ...")
    and the heading are left out. A paragraph's entry holds its whole text, items included."""
    out: dict[str, list[str]] = {}
    para = "0"
    sub: str | None = None
    for line in text.splitlines()[1:]:
        if line.startswith(">"):
            sub = None
            continue
        if m := PARA.match(line):
            para, sub = m.group(1), None
        elif (m := SUB_NUM.match(line)) or (m := SUB_LETTER.match(line)):
            sub = f"{para}.{m.group(1)}"
        if not line.strip():
            continue
        out.setdefault(para, []).append(line)
        if sub:
            out.setdefault(sub, []).append(line)
    return {k: "\n".join(v).strip("\n") for k, v in out.items() if any(s.strip() for s in v)}


def paragraph_for_display(version: NormVersion, key: str | None) -> str:
    """The verbatim paragraph to show; for an item, its paragraph's lead line plus the item."""
    paras = version.paragraphs()
    if not key or key not in paras:
        # the whole article without its heading and footnotes ("> Сноска ..." may come first)
        body = [line for line in version.text.splitlines()[1:] if not line.startswith(">")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(body)).strip()
    if "." in key:
        lead = paras.get(key.split(".")[0], "").splitlines()[0]
        return f"{lead}\n{paras[key].strip()}"
    return paras[key]


def format_citation(code: str, article: str, lang: str, paragraph: str | None = None) -> str:
    names = CODE_NAMES[code]
    lang = "kk" if lang == "kk" else "ru"
    if lang == "kk":
        base = f"{names['kk']} {article}-бабы"
        if paragraph and paragraph != "0":
            para, _, item = paragraph.partition(".")
            unit = names["unit_kk"]
            extra = f"{para}-{unit}" + (f", {item}-тармақша" if item else "")
            base += f" ({extra})"
        return base
    base = f"статья {article} {names['ru']}"
    if paragraph and paragraph != "0":
        para, _, item = paragraph.partition(".")
        extra = f"{names['unit_ru']} {para}" + (f", подпункт {item}" if item else "")
        base += f" ({extra})"
    return base


def format_edition(version: NormVersion, lang: str) -> str:
    ed = version.edition
    if not ed:
        return version.edition_note
    y, m, d = ed.split("-")
    human = f"{d}.{m}.{y}"
    return f"{human} редакциясы" if lang == "kk" else f"редакция от {human}"


def is_stale(version: NormVersion) -> bool:
    if not version.edition:
        return False
    return date.fromisoformat(version.edition) < STALE_BEFORE


def load_norms(norms_dir: Path = NORMS_DIR) -> dict[str, Norm]:
    norms: dict[str, Norm] = {}
    for path in sorted(norms_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        norm = Norm(id=data["id"], code=data["code"], article=str(data["article"]))
        for lang, v in data["versions"].items():
            norm.versions[lang] = NormVersion(lang=lang, **v)
        if norm.id != path.stem:
            raise ValueError(f"{path}: id {norm.id} does not match the file name")
        norms[norm.id] = norm
    if not norms:
        raise FileNotFoundError(f"no stored norms in {norms_dir}; run `make import-norms`")
    return norms
