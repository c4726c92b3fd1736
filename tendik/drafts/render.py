"""Fill a draft template (knowledge/drafts/*.yml, format in its README.md) from a dict of fields.

* ``{field}`` inserts the value as typed (control characters dropped, surrounding spaces trimmed);
* ``{field:date}`` 12.03.2026, ``{field:date_long}`` «2026 жылғы 12 наурыз» / «12 марта 2026 г.»,
  ``{field:date_loc}`` «2026 жылғы 12 наурызда» / «12 марта 2026 г.» (:mod:`tendik.drafts.dates`);
* ``{field:dat|gen|acc|loc|abl}``: the Kazakh case form of the value (:mod:`tendik.drafts.kazakh`;
  in a Russian text the value as typed);
* a value ``tendik.payload.BLANK`` (any format) is a blank line the worker fills in by hand;
* ``[[if field]] ... [[end]]``: kept only when the field has a value; a marker alone on its line goes
  with its line; inside a line the markers wrap inline text; blocks are not nested.

A missing required field raises :class:`MissingFields` (its message lists the fields by their
labels, in the draft's language); an unreadable date raises :class:`BadDates`. Substitution is one
pass over the template, so a value that looks like a placeholder or a marker stays text. User
values are never logged (only the template id, the language and counts).

:func:`fill` returns a :class:`FilledDraft`: the title, the body text, the attachments, the norms
it rests on with their editions, and :meth:`FilledDraft.blocks` (the body as typed blocks: the draft
mark, headings, paragraphs, bullets, hints, notes) for the DOCX and PDF writers.
"""

from __future__ import annotations

import datetime
import functools
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tendik.drafts.dates import format_date, format_date_loc, format_date_long, parse_date_value
from tendik.drafts.kazakh import CASES, inflect
from tendik.knowledge.explanations import ParagraphRef
from tendik.knowledge.norms import Norm, format_citation, format_edition, load_norms
from tendik.paths import KNOWLEDGE
from tendik.payload import BLANK
from tendik.texts import text

logger = logging.getLogger(__name__)

DRAFTS_DIR = KNOWLEDGE / "drafts"
LANGS = ("kk", "ru")
DATE_FORMATS = ("date", "date_long", "date_loc")
FORMATS = (*DATE_FORMATS, *CASES)

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)(?::([a-z_]+))?\}")
_LINE_BLOCK = re.compile(r"^[ \t]*\[\[if ([a-z_][a-z0-9_]*)\]\][ \t]*\n(.*?)^[ \t]*\[\[end\]\][ \t]*(?:\n|\Z)", re.M | re.S)
_INLINE_BLOCK = re.compile(r"\[\[if ([a-z_][a-z0-9_]*)\]\](.*?)\[\[end\]\]", re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
SEPARATOR = "———"
BLANK_LINE = "________________________"  # a field the worker fills in by hand (value ``BLANK``)


class DraftError(ValueError):
    """The fields cannot fill the template; ``message(lang)`` says why to the user."""

    key = ""

    def __init__(self, template_id: str, lang: str, fields: list[str], labels: list[str]) -> None:
        super().__init__(f"{template_id} ({lang}): {', '.join(fields)}")
        self.template_id, self.lang, self.fields, self.labels = template_id, lang, fields, labels

    def message(self, lang: str | None = None) -> str:
        return text(self.key, lang or self.lang, fields="; ".join(f"«{label}»" for label in self.labels))


class MissingFields(DraftError):
    key = "drafts.missing"


class BadDates(DraftError):
    key = "drafts.bad_date"


class TemplateError(ValueError):
    """A template breaks the format (a developer's error, not the user's)."""


@dataclass(frozen=True)
class Field:
    name: str
    label: dict[str, str]
    required: bool


@dataclass(frozen=True)
class Template:
    id: str
    title: dict[str, str]
    addressee: str
    rests_on: tuple[ParagraphRef, ...]
    fields: dict[str, Field]
    body: dict[str, str]
    attachments: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def placeholders(self, lang: str) -> list[tuple[str, str | None]]:
        return [(m.group(1), m.group(2)) for m in PLACEHOLDER.finditer(self.body[lang])]

    def date_fields(self) -> set[str]:
        return {name for lang in LANGS for name, fmt in self.placeholders(lang) if fmt in DATE_FORMATS}


@dataclass(frozen=True)
class NormLine:
    """One article a draft rests on: its citation, the paragraphs, the edition."""

    citation: str
    paragraphs: tuple[str, ...]
    edition: str

    def text(self) -> str:
        inner = "; ".join([*self.paragraphs, self.edition])
        return f"{self.citation} ({inner})"


@dataclass(frozen=True)
class Block:
    """A piece of the body: ``kind`` is mark, title, subtitle, heading, text, bullet, hint, separator,
    notes_heading or blank; ``notes`` is True after the separator (notes for the worker)."""

    kind: str
    text: str
    notes: bool = False


@dataclass(frozen=True)
class FilledDraft:
    template_id: str
    lang: str
    title: str
    body: str
    attachments: tuple[str, ...]
    norms: tuple[NormLine, ...]
    date: datetime.date | None = None  # the draft's own date (the ``today`` field): the files' dates

    @property
    def mark(self) -> str:
        return text("drafts.mark", self.lang)

    @property
    def attachments_heading(self) -> str:
        return text("drafts.attachments", self.lang)

    @property
    def norms_heading(self) -> str:
        return text("drafts.rests_on", self.lang)

    def file_name(self, ext: str) -> str:
        """No personal data: the template and the language only."""
        return f"{self.template_id}-{self.lang}.{ext}"

    def blocks(self) -> list[Block]:
        return body_blocks(self.body)

    def plain_text(self) -> str:
        """Everything the documents show, in order (the DOCX/PDF text must equal it, whitespace aside)."""
        parts = [self.mark, self.title, self.body]
        if self.attachments:
            parts += [self.attachments_heading, *self.attachments]
        parts += [self.norms_heading, *(n.text() for n in self.norms)]
        return "\n".join(parts)


# ---------------------------------------------------------------- loading
def _texts(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict) or any(not isinstance(raw.get(lang), str) or not raw[lang].strip() for lang in LANGS):
        raise TemplateError(f"{where}: needs kk and ru texts")
    return {lang: str(raw[lang]) for lang in LANGS}


def load_template(path: Path) -> Template:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("id") != path.stem:
        raise TemplateError(f"{path.name}: id must equal the file name")
    tid = path.stem
    fields = {}
    for name, raw in (data.get("fields") or {}).items():
        fields[name] = Field(name, _texts(raw, f"{tid} field {name}"), bool(raw.get("required")))
    attachments = {lang: tuple(str(a) for a in (data.get("attachments") or {}).get(lang) or ()) for lang in LANGS}
    template = Template(
        id=tid, title=_texts(data.get("title"), f"{tid} title"), addressee=str(data.get("addressee") or ""),
        rests_on=tuple(ParagraphRef.parse(r) for r in data.get("rests_on") or ()), fields=fields,
        body=_texts(data.get("body"), f"{tid} body"), attachments=attachments,
    )
    problems = template_problems(template)
    if problems:
        raise TemplateError(f"{tid}: " + "; ".join(problems))
    return template


def template_problems(t: Template) -> list[str]:
    """Format errors: undeclared or unused fields, unknown formats, broken or nested markers."""
    out = []
    used: set[str] = set()
    for lang in LANGS:
        body = t.body[lang]
        for name, fmt in t.placeholders(lang):
            used.add(name)
            if name not in t.fields:
                out.append(f"{lang}: placeholder {{{name}}} is not a declared field")
            if fmt is not None and fmt not in FORMATS:
                out.append(f"{lang}: unknown format {fmt!r} in {{{name}:{fmt}}}")
        for m in re.finditer(r"\[\[if ([^\]]*)\]\]", body):
            used.add(m.group(1))
            if m.group(1) not in t.fields:
                out.append(f"{lang}: [[if {m.group(1)}]] names no declared field")
        rest = _INLINE_BLOCK.sub("", _LINE_BLOCK.sub("", body))
        if "[[" in rest or "]]" in rest:
            out.append(f"{lang}: an [[if]] without its [[end]] (or a nested one)")
        if any("[[if" in m.group(2) for m in _LINE_BLOCK.finditer(body)):
            out.append(f"{lang}: nested [[if]] blocks")
    unused = sorted(set(t.fields) - used)
    if unused:
        out.append(f"declared but unused fields: {', '.join(unused)}")
    return out


@functools.lru_cache(maxsize=1)
def load_templates(directory: Path = DRAFTS_DIR) -> dict[str, Template]:
    return {p.stem: load_template(p) for p in sorted(directory.glob("*.yml"))}


@functools.lru_cache(maxsize=1)
def _norms() -> dict[str, Norm]:
    return load_norms()


# ---------------------------------------------------------------- filling
def _clean(value: object) -> str:
    raw = value if isinstance(value, str) else str(value)
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", raw).strip()


def _present(value: object) -> bool:
    return value is not None and _clean(value) != ""


def norm_lines(refs: tuple[ParagraphRef, ...], lang: str, norms: Mapping[str, Norm] | None = None) -> tuple[NormLine, ...]:
    """The articles of ``refs`` in order of first mention, each with its paragraphs and edition."""
    norms = norms or _norms()
    grouped: dict[str, list[str]] = {}
    for ref in refs:
        grouped.setdefault(ref.norm_id, [])
        if ref.paragraph not in grouped[ref.norm_id]:
            grouped[ref.norm_id].append(ref.paragraph)
    out = []
    for norm_id, paragraphs in grouped.items():
        norm = norms[norm_id]
        version, _ = norm.version(lang)
        base = format_citation(norm.code, norm.article, lang)
        labels = []
        for p in paragraphs:
            full = format_citation(norm.code, norm.article, lang, p)
            if full != base:
                labels.append(full[len(base):].strip().removeprefix("(").removesuffix(")"))
        out.append(NormLine(base, tuple(labels), format_edition(version, lang)))
    return tuple(out)


def _conditionals(body: str, present: set[str]) -> str:
    body = _LINE_BLOCK.sub(lambda m: m.group(2) if m.group(1) in present else "", body)
    return _INLINE_BLOCK.sub(lambda m: m.group(2) if m.group(1) in present else "", body)


def fill(template: Template | str, fields: Mapping[str, object], lang: str, *, today: datetime.date | None = None) -> FilledDraft:
    """The draft ``template`` in ``lang`` filled from ``fields`` (values as the user gave them;
    dates as dates, ISO or DD.MM.YYYY text or kk/ru expressions). ``today`` fills the ``today``
    field when it is not given and resolves relative dates."""
    if isinstance(template, str):
        template = load_templates()[template]
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    values: dict[str, object] = {k: v for k, v in fields.items() if k in template.fields and _present(v)}
    if "today" in template.fields and "today" not in values and today is not None:
        values["today"] = today
    present = set(values)
    body = _conditionals(template.body[lang], present)

    needed = {m.group(1) for m in PLACEHOLDER.finditer(body)}
    missing = [f for f in template.fields.values() if f.name in needed and f.name not in present]
    missing += [f for f in template.fields.values() if f.required and f.name not in present and f not in missing]
    if missing:
        logger.info("draft %s (%s): %d required fields missing", template.id, lang, len(missing))
        raise MissingFields(template.id, lang, [f.name for f in missing], [f.label[lang] for f in missing])

    dates: dict[str, datetime.date] = {}
    bad = []
    for name in sorted(template.date_fields() & present):
        if values[name] == BLANK:
            continue
        day = parse_date_value(values[name], today)
        if day is None:
            bad.append(template.fields[name])
        else:
            dates[name] = day
    if bad:
        logger.info("draft %s (%s): %d dates unreadable", template.id, lang, len(bad))
        raise BadDates(template.id, lang, [f.name for f in bad], [f.label[lang] for f in bad])

    def value(m: re.Match[str]) -> str:
        name, fmt = m.group(1), m.group(2)
        if values[name] == BLANK:
            return BLANK_LINE
        if fmt == "date":
            return format_date(dates[name])
        if fmt == "date_long":
            return format_date_long(dates[name], lang)
        if fmt == "date_loc":
            return format_date_loc(dates[name], lang)
        raw = values[name]
        typed = format_date(raw) if isinstance(raw, datetime.date) else _clean(raw)
        if fmt in CASES and lang == "kk":
            return inflect(typed, fmt)
        return typed

    filled = PLACEHOLDER.sub(value, body)
    filled = re.sub(r"\n{3,}", "\n\n", filled).strip("\n")
    draft = FilledDraft(
        template_id=template.id, lang=lang, title=template.title[lang], body=filled,
        attachments=template.attachments.get(lang, ()), norms=norm_lines(template.rests_on, lang), date=dates.get("today"),
    )
    logger.debug("draft %s (%s) filled: %d fields, %d characters", template.id, lang, len(present), len(filled))
    return draft


# ---------------------------------------------------------------- structure for the writers
_UPPER_WORDS = re.compile(r"^[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][A-ZА-ЯЁӘҒҚҢӨҰҮҺІ ()\-:,.]*$")
_DATE_LINE = re.compile(r"^\d{2}\.\d{2}\.\d{4}$")


def _is_upper(line: str) -> bool:
    head = line.split("[", 1)[0].strip()
    return len(re.sub(r"[^A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]", "", head)) >= 4 and bool(_UPPER_WORDS.match(head))


def body_blocks(body: str) -> list[Block]:
    """The body as typed blocks (deterministic, from the text's shape): the first line is the draft
    mark; the first line in capitals is the document's name (the next line, if it starts in lower
    case or with a bracket, its subtitle); other lines in capitals and short lines standing alone
    before a paragraph are headings; "• " lines are bullets; a line in square brackets is a hint;
    after «———» come the notes for the worker."""
    lines = body.split("\n")
    out: list[Block] = []
    notes = False
    title_seen = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        prev = lines[i - 1].strip() if i else ""
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if i == 0:
            out.append(Block("mark", stripped))
        elif not stripped:
            out.append(Block("blank", "", notes))
        elif stripped == SEPARATOR:
            notes = True
            out.append(Block("separator", stripped, notes))
        elif notes and prev == SEPARATOR:
            out.append(Block("notes_heading", stripped, notes))
        elif stripped.startswith("• "):
            out.append(Block("bullet", stripped[2:], notes))
        elif stripped.startswith("[") and stripped.endswith("]"):
            out.append(Block("hint", stripped, notes))
        elif _is_upper(stripped) and not notes:
            kind = "heading" if title_seen else "title"
            title_seen = True
            out.append(Block(kind, stripped, notes))
        elif out and out[-1].kind == "title" and (stripped[0].islower() or stripped.startswith("[")):
            out.append(Block("subtitle", stripped, notes))
        elif (not prev and nxt and len(stripped) <= 60 and not _DATE_LINE.match(stripped)
              and ":" not in stripped and stripped[-1] not in ".;,:" and not notes):
            out.append(Block("heading", stripped, notes))
        else:
            out.append(Block("text", stripped, notes))
    return out
