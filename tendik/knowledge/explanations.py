"""The project's explanations (knowledge/explanations/*.yml), each linked to the norms it rests on.

An explanation is written as statements, each in Kazakh and Russian. A statement about the law
names the paragraphs it restates (``rests_on: [tk-006:2]``); any other statement says what it is
instead (``says: advice`` for practical steps, ``gap`` for "the base holds nothing on this",
``meta`` for a note about the bot or its sources). Every paragraph a statement rests on is one of
the explanation's linked paragraphs (``norms``), which every answer quotes or lists, so a reader
can always check a statement against the law it rests on.

File format::

    id: exp-time-limits
    intent: ask_time_limits
    title: {ru: "...", kk: "..."}
    lead:                      # 1-2 statements, <= 300 characters per language: the first reply
      - {ru: "...", kk: "...", rests_on: [tk-160:0]}
    norms:                     # the paragraphs an answer shows, most important first
      - id: tk-160
        paragraphs: ["0"]
    summary:                   # what the law provides, in plain words
      - ru: "..."
        kk: "..."
        rests_on: [tk-160:0]
    next_steps:                # numbered by the renderer
      - {ru: "...", kk: "...", says: advice}
    caveats: []                # optional, same form
    keywords: {ru: [...], kk: [...]}
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tendik.knowledge.norms import NORMS_DIR, ROOT, Norm, load_norms

logger = logging.getLogger(__name__)
EXPLANATIONS_DIR = ROOT / "knowledge" / "explanations"
LANGS = ("kk", "ru")
SAYS = ("advice", "gap", "meta")
LEAD_LIMIT = 300  # characters per language: the lead opens the short first reply


@dataclass(frozen=True)
class ParagraphRef:
    """``tk-006:2``: paragraph (or item) ``2`` of norm ``tk-006``."""

    norm_id: str
    paragraph: str

    @classmethod
    def parse(cls, ref: str) -> ParagraphRef:
        norm_id, sep, paragraph = str(ref).partition(":")
        if not sep or not norm_id or not paragraph:
            raise KnowledgeError(f"paragraph reference {ref!r} is not of the form norm-id:paragraph")
        return cls(norm_id.strip(), paragraph.strip())

    def __str__(self) -> str:
        return f"{self.norm_id}:{self.paragraph}"


@dataclass
class Statement:
    text: dict[str, str]
    rests_on: list[ParagraphRef] = field(default_factory=list)
    says: str | None = None


@dataclass
class NormLink:
    id: str
    paragraphs: list[str] = field(default_factory=list)


def _joined(statements: list[Statement], numbered: bool = False) -> dict[str, str]:
    out = {}
    for lang in LANGS:
        texts = [s.text.get(lang, "").strip() for s in statements]
        if numbered:
            out[lang] = "\n".join(f"{n}. {t}" for n, t in enumerate(texts, 1))
        else:
            out[lang] = " ".join(texts)
    return out


@dataclass
class Explanation:
    id: str
    intent: str
    norms: list[NormLink]
    title: dict[str, str]
    statements: list[Statement]
    steps: list[Statement]
    notes: list[Statement] = field(default_factory=list)
    keywords: dict[str, list[str]] = field(default_factory=dict)
    lead: list[Statement] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, str]:
        return _joined(self.statements)

    @property
    def next_steps(self) -> dict[str, str]:
        return _joined(self.steps, numbered=True)

    @property
    def caveats(self) -> dict[str, str]:
        return _joined(self.notes) if self.notes else {}

    def all_statements(self) -> list[Statement]:
        return [*self.lead, *self.statements, *self.steps, *self.notes]

    def linked(self) -> list[ParagraphRef]:
        return [ParagraphRef(link.id, p) for link in self.norms for p in (link.paragraphs or ["0"])]


@dataclass
class KnowledgeBase:
    norms: dict[str, Norm]
    explanations: dict[str, Explanation]

    def by_intent(self, intent: str) -> Explanation | None:
        for exp in self.explanations.values():
            if exp.intent == intent:
                return exp
        return None

    def explanation_for_norm(self, norm_id: str) -> Explanation | None:
        for exp in self.explanations.values():
            if any(link.id == norm_id for link in exp.norms):
                return exp
        return None

    def knowledge_ids(self) -> set[str]:
        return set(self.norms) | set(self.explanations)


class KnowledgeError(ValueError):
    pass


def _statements(raw: Any, where: str) -> list[Statement]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise KnowledgeError(f"{where}: expected a list of statements")
    out = []
    for n, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            raise KnowledgeError(f"{where} #{n}: a statement is a mapping with ru, kk and rests_on or says")
        unknown = set(item) - {"ru", "kk", "rests_on", "says"}
        if unknown:
            raise KnowledgeError(f"{where} #{n}: unknown keys {sorted(unknown)}")
        out.append(
            Statement(
                text={lang: str(item.get(lang) or "").strip() for lang in LANGS},
                rests_on=[ParagraphRef.parse(r) for r in item.get("rests_on") or []],
                says=item.get("says"),
            )
        )
    return out


def load_explanation(file: Path) -> Explanation:
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    exp = Explanation(
        id=data["id"],
        intent=data.get("intent") or "",
        norms=[NormLink(id=n["id"], paragraphs=[str(p) for p in n.get("paragraphs") or []]) for n in data["norms"]],
        title=data["title"],
        statements=_statements(data.get("summary"), f"{file.name} summary"),
        steps=_statements(data.get("next_steps"), f"{file.name} next_steps"),
        notes=_statements(data.get("caveats"), f"{file.name} caveats"),
        keywords=data.get("keywords") or {},
        lead=_statements(data.get("lead"), f"{file.name} lead"),
    )
    if exp.id != file.stem:
        raise KnowledgeError(f"{file}: id {exp.id} does not match the file name")
    return exp


def load_explanations(path: Path = EXPLANATIONS_DIR) -> dict[str, Explanation]:
    return {exp.id: exp for exp in (load_explanation(f) for f in sorted(path.glob("*.yml")))}


def validate(kb: KnowledgeBase) -> list[str]:
    """Problems that would make an answer wrong: dangling norm ids or paragraphs, missing
    languages, a statement that neither rests on a shown paragraph nor says what it is."""
    problems = []
    intents: dict[str, str] = {}
    for exp in kb.explanations.values():
        if exp.intent and exp.intent in intents:
            problems.append(f"{exp.id}: intent {exp.intent} is already answered by {intents[exp.intent]}")
        intents.setdefault(exp.intent, exp.id)
        for lang in LANGS:
            if not exp.title.get(lang):
                problems.append(f"{exp.id}: title has no {lang} text")
        if not exp.statements:
            problems.append(f"{exp.id}: no summary")
        if not exp.steps:
            problems.append(f"{exp.id}: no next steps")
        for lang in LANGS:
            lead = " ".join(st.text.get(lang, "") for st in exp.lead)
            if len(lead) > LEAD_LIMIT:
                problems.append(f"{exp.id}: lead ({lang}) is {len(lead)} characters (limit {LEAD_LIMIT})")
        if not exp.norms:
            problems.append(f"{exp.id}: links no norm")
        linked = set(exp.linked())
        for link in exp.norms:
            norm = kb.norms.get(link.id)
            if norm is None:
                problems.append(f"{exp.id}: unknown norm {link.id}")
                continue
            for version in norm.versions.values():
                paras = version.paragraphs()
                for p in link.paragraphs:
                    if p not in paras:
                        problems.append(f"{exp.id}: {link.id} ({version.lang}) has no paragraph {p}")
            if norm.whole_article_only() and link.paragraphs != ["0"]:
                problems.append(f"{exp.id}: {link.id} is only shown whole (a Constitutional Court note); link it as [\"0\"]")
        for n, st in enumerate(exp.all_statements(), 1):
            where = f"{exp.id} statement {n}"
            for lang in LANGS:
                if not st.text.get(lang):
                    problems.append(f"{where}: no {lang} text")
            if st.says is not None and st.says not in SAYS:
                problems.append(f"{where}: says {st.says!r}, expected one of {SAYS}")
            if not st.rests_on and st.says is None:
                problems.append(f"{where}: rests on no paragraph and does not say what it is (advice, gap, meta)")
            for ref in st.rests_on:
                if ref not in linked:
                    problems.append(f"{where}: rests on {ref}, which the explanation does not link (so no answer shows it)")
    return problems


def load_knowledge(norms_dir: Path = NORMS_DIR, explanations_dir: Path = EXPLANATIONS_DIR) -> KnowledgeBase:
    kb = KnowledgeBase(norms=load_norms(norms_dir), explanations=load_explanations(explanations_dir))
    problems = validate(kb)
    if problems:
        raise KnowledgeError("knowledge base is inconsistent:\n" + "\n".join(problems))
    return kb
