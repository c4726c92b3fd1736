"""Stored norms (knowledge/norms/*.yml): loading, paragraphs and citations in the standard forms."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
NORMS_DIR = ROOT / "knowledge" / "norms"
# Editions older than this are shown with a warning to check the current text.
STALE_BEFORE = date(2025, 1, 1)

# A numbered paragraph ("1.", "1-1."), at the margin or indented by at most three spaces.
PARA = re.compile(r"^ {0,3}(\d+(?:-\d+)?)\.\s")
# An item of a list ("1)", "5-1)", "(a)"), at any indentation.
ITEM = re.compile(r"^(\s*)(?:(\d+(?:-\d+)?)\)|\(([a-z])\))\s")
# Notes of the reference bank on Constitutional Court resolutions, embedded in the text: they are
# part of the verbatim text and travel with the paragraph they sit in.
COURT_NOTE = re.compile(
    r"^\s*(?:Нормативн\w+ постановлени\w+ Конституционного Суда|ҚР Конституциялық Сотының"
    r"|Ескертпе!|До внесения изменений и дополнений в|ҚР Еңбек кодексіне өзгерістер мен толықтырулар)"
)


def _unit(ru: str, kk: str) -> dict[str, str]:
    return {"unit_ru": ru, "unit_kk": kk}


PUNKT = _unit("пункт", "тармақ")
CHAST = _unit("часть", "бөлік")

# How each code is named in a citation ("статья 6 Трудового кодекса РК" / "Еңбек кодексінің 6-бабы")
# and what its numbered paragraphs are called.
CODE_NAMES: dict[str, dict[str, str]] = {
    "tk": {"ru": "Трудового кодекса РК", "kk": "Еңбек кодексінің", **PUNKT},
    "koap": {"ru": "Кодекса РК об административных правонарушениях", "kk": "Әкімшілік құқық бұзушылық туралы кодекстің", **CHAST},
    "uk": {"ru": "Уголовного кодекса РК", "kk": "Қылмыстық кодекстің", **CHAST},
    "upk": {"ru": "Уголовно-процессуального кодекса РК", "kk": "Қылмыстық-процестік кодекстің", **CHAST},
    "gpk": {"ru": "Гражданского процессуального кодекса РК", "kk": "Азаматтық процестік кодекстің", **CHAST},
    "appk": {"ru": "Административного процедурно-процессуального кодекса РК", "kk": "Әкімшілік рәсімдік-процестік кодекстің", **CHAST},
    "gk": {"ru": "Гражданского кодекса РК (Общая часть)", "kk": "Азаматтық кодекстің (Жалпы бөлім)", **PUNKT},
    "nk": {"ru": "Налогового кодекса РК", "kk": "Салық кодексінің", **PUNKT},
    "soc": {"ru": "Социального кодекса РК", "kk": "Әлеуметтік кодекстің", **PUNKT},
    "const2026": {"ru": "Конституции РК 2026 года", "kk": "2026 жылғы Конституцияның", **PUNKT},
    "gender": {
        "ru": "Закона РК «О государственных гарантиях равных прав и равных возможностей мужчин и женщин»",
        "kk": "«Ерлер мен әйелдердің тең құқықтарының және тең мүмкіндіктерінің мемлекеттік кепілдіктері туралы» Заңның",
        **PUNKT,
    },
    "lang": {"ru": "Закона РК «О языках в Республике Казахстан»", "kk": "«Қазақстан Республикасындағы тіл туралы» Заңның", **PUNKT},
    "mediation": {"ru": "Закона РК «О медиации»", "kk": "«Медиация туралы» Заңның", **PUNKT},
    "prof": {"ru": "Закона РК «О профессиональных союзах»", "kk": "«Кәсіптік одақтар туралы» Заңның", **PUNKT},
    "ilo-c111": {"ru": "Конвенции МОТ № 111", "kk": "ХЕҰ-ның № 111 Конвенциясының", **PUNKT},
    "ilo-c100": {"ru": "Конвенции МОТ № 100", "kk": "ХЕҰ-ның № 100 Конвенциясының", **PUNKT},
}
# Short names for a compact list of articles ("ТК РК — ст. 52, 159"; «ҚР ЕК — 52, 159-баптар»): the
# codes by their usual abbreviations, the laws described in the nominative (the full titles are in
# CODE_NAMES and on every quoted paragraph).
SHORT_NAMES: dict[str, dict[str, str]] = {
    "tk": {"ru": "ТК РК", "kk": "ҚР ЕК"},
    "koap": {"ru": "КоАП РК", "kk": "ҚР ӘҚБтК"},
    "uk": {"ru": "УК РК", "kk": "ҚР ҚК"},
    "upk": {"ru": "УПК РК", "kk": "ҚР ҚПК"},
    "gpk": {"ru": "ГПК РК", "kk": "ҚР АПК"},
    "appk": {"ru": "АППК РК", "kk": "ҚР ӘРПК"},
    "gk": {"ru": "ГК РК", "kk": "ҚР АК"},
    "nk": {"ru": "Налоговый кодекс РК", "kk": "ҚР Салық кодексі"},
    "soc": {"ru": "Социальный кодекс РК", "kk": "ҚР Әлеуметтік кодексі"},
    "const2026": {"ru": "Конституция РК", "kk": "ҚР Конституциясы"},
    "gender": {"ru": "Закон о равных правах мужчин и женщин", "kk": "Ерлер мен әйелдердің тең құқықтары туралы заң"},
    "lang": {"ru": "Закон о языках", "kk": "Тіл туралы заң"},
    "mediation": {"ru": "Закон о медиации", "kk": "Медиация туралы заң"},
    "prof": {"ru": "Закон о профсоюзах", "kk": "Кәсіптік одақтар туралы заң"},
    "ilo-c111": {"ru": "Конвенция МОТ № 111", "kk": "ХЕҰ № 111 Конвенциясы"},
    "ilo-c100": {"ru": "Конвенция МОТ № 100", "kk": "ХЕҰ № 100 Конвенциясы"},
}


def format_articles(code: str, articles: list[str], lang: str) -> str:
    """One act's articles in the compact form: "ТК РК — ст. 52, 159" / «ҚР ЕК — 52, 159-баптар»."""
    lang = "kk" if lang == "kk" else "ru"
    name = SHORT_NAMES[code][lang]
    if lang == "kk":
        return f"{name} — {', '.join(articles)}-{'баптар' if len(articles) > 1 else 'бап'}"
    return f"{name} — ст. {', '.join(articles)}"


# The edition label of a text that has no edition date (the ILO conventions' authentic texts).
AUTHENTIC = {"ru": "аутентичный текст конвенции", "kk": "конвенцияның түпнұсқа мәтіні"}


@dataclass
class NormVersion:
    lang: str
    text: str
    source_file: str
    source_url: str
    primary_source: str
    edition: str
    edition_note: str
    # Derived from ``text`` once per text (every answer cites several norms; splitting them again on
    # every turn was a tenth of the action server's CPU: bench/CPU.md).
    _derived: dict[tuple[str, str], Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _cached(self, name: str, make: Callable[[], Any]) -> Any:
        key = (name, self.text)
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    def paragraphs(self) -> dict[str, str]:
        return dict(self._cached("paragraphs", lambda: split_paragraphs(self.text)))

    def court_notes(self) -> list[str]:
        """The reference bank's notes on Constitutional Court resolutions inside this text."""
        return list(self._cached("notes", lambda: [line.strip() for line in self.text.splitlines() if COURT_NOTE.match(line)]))

    def whole_article_only(self) -> bool:
        """True when a Constitutional Court note stands outside every numbered paragraph (TK art. 160):
        it concerns the article as a whole, so the article is only ever shown whole, notes included."""
        return bool(self._cached("whole_only", self._whole_article_only))

    def _whole_article_only(self) -> bool:
        paras = self.paragraphs()
        numbered = "\n".join(text for key, text in paras.items() if key != "0" and "." not in key)
        return any(note not in numbered for note in self.court_notes())


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

    def whole_article_only(self) -> bool:
        return any(v.whole_article_only() for v in self.versions.values())


def split_paragraphs(text: str) -> dict[str, str]:
    """Map paragraph keys to verbatim text.

    Keys: "2" (paragraph "2."), "1-1" (paragraph "1-1."), "1.15" (item "15)" of paragraph 1),
    "1.6-1" (item "6-1)"), "1.a" (item "(a)"), "0" for the text outside numbered paragraphs (the
    whole article when it has none) and "0.3" for an item of such text. A paragraph's entry holds
    its whole text, items and embedded Constitutional Court notes included; an item's entry holds
    the item and the lines indented deeper than it. Footnotes ("> ...", amendment history) and the
    heading are left out.
    """
    out: dict[str, list[str]] = {}
    para = "0"
    item: str | None = None
    item_indent = 0
    for line in text.splitlines()[1:]:
        if not line.strip() or line.startswith(">"):
            continue
        indent = len(line) - len(line.lstrip())
        if m := PARA.match(line):
            para, item = m.group(1), None
        elif m := ITEM.match(line):
            item, item_indent = f"{para}.{m.group(2) or m.group(3)}", len(m.group(1))
        elif item is not None and indent <= item_indent:
            item = None  # text back at the level of the list: the paragraph goes on
        out.setdefault(para, []).append(line)
        if item:
            out.setdefault(item, []).append(line)
    return {k: "\n".join(v).strip("\n") for k, v in out.items() if any(s.strip() for s in v)}


def whole_article(version: NormVersion) -> str:
    """The article without its heading, footnotes ("> Сноска ..." may come first) and blank lines
    (a quote is one block of lines, as every paragraph is)."""
    return "\n".join(line for line in version.text.splitlines()[1:] if line.strip() and not line.startswith(">")).strip()


def paragraph_for_display(version: NormVersion, key: str | None) -> str:
    """The verbatim paragraph to show; for an item, its paragraph's lead line plus the item. An
    article whose Constitutional Court notes concern it as a whole is always shown whole."""
    paras = version.paragraphs()
    if not key or key not in paras or version.whole_article_only():
        return whole_article(version)
    if "." in key:
        lead = paras.get(key.split(".")[0], "").splitlines()[0]
        return f"{lead}\n{paras[key].strip()}"
    return paras[key]


def displayed_key(version: NormVersion, key: str | None) -> str | None:
    """The paragraph key a display of ``key`` really shows (None: the whole article)."""
    if not key or key == "0" or key not in version.paragraphs() or version.whole_article_only():
        return None
    return key


def _labels(paragraph: str) -> tuple[str, str]:
    para, _, item = paragraph.partition(".")
    return para, item


def format_citation(code: str, article: str, lang: str, paragraph: str | None = None) -> str:
    """The citation in the standard form: "статья 22 Трудового кодекса РК (пункт 1, подпункт 15)" /
    "Еңбек кодексінің 22-бабы (1-тармақ, 15-тармақша)"; items keep their own numbers ("5-1", "a")."""
    names = CODE_NAMES[code]
    lang = "kk" if lang == "kk" else "ru"
    para, item = _labels(paragraph or "0")
    if lang == "kk":
        base = f"{names['kk']} {article}-бабы"
        parts = []
        if para != "0":
            parts.append(f"{para}-{names['unit_kk']}")
        if item:
            parts.append(f"{item}-тармақша")
        return base + (f" ({', '.join(parts)})" if parts else "")
    base = f"статья {article} {names['ru']}"
    parts = []
    if para != "0":
        parts.append(f"{names['unit_ru']} {para}")
    if item:
        parts.append(f"подпункт {item}")
    return base + (f" ({', '.join(parts)})" if parts else "")


def format_edition(version: NormVersion, lang: str) -> str:
    lang = "kk" if lang == "kk" else "ru"
    ed = version.edition
    if not ed:
        return AUTHENTIC[lang]
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
