"""The project's explanations (knowledge/explanations/*.yml), each linked to the norms it rests on."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from actions.knowledge.norms import NORMS_DIR, ROOT, Norm, load_norms

logger = logging.getLogger(__name__)
EXPLANATIONS_DIR = ROOT / "knowledge" / "explanations"
LANGS = ("kk", "ru")


@dataclass
class NormLink:
    id: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Explanation:
    id: str
    intent: str
    norms: list[NormLink]
    title: dict[str, str]
    summary: dict[str, str]
    next_steps: dict[str, str]
    caveats: dict[str, str] = field(default_factory=dict)
    keywords: dict[str, list[str]] = field(default_factory=dict)


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


def load_explanations(path: Path = EXPLANATIONS_DIR) -> dict[str, Explanation]:
    out: dict[str, Explanation] = {}
    for file in sorted(path.glob("*.yml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        exp = Explanation(
            id=data["id"],
            intent=data["intent"],
            norms=[NormLink(id=n["id"], paragraphs=[str(p) for p in n.get("paragraphs") or []]) for n in data["norms"]],
            title=data["title"],
            summary={k: v.strip() for k, v in data["summary"].items()},
            next_steps={k: v.strip() for k, v in data["next_steps"].items()},
            caveats={k: str(v).strip() for k, v in (data.get("caveats") or {}).items()},
            keywords=data.get("keywords") or {},
        )
        if exp.id != file.stem:
            raise KnowledgeError(f"{file}: id {exp.id} does not match the file name")
        out[exp.id] = exp
    return out


def validate(kb: KnowledgeBase) -> list[str]:
    """Problems that would make an answer wrong: dangling norm ids or paragraphs, missing languages."""
    problems = []
    for exp in kb.explanations.values():
        for field_name in ("title", "summary", "next_steps"):
            for lang in LANGS:
                if not getattr(exp, field_name).get(lang):
                    problems.append(f"{exp.id}: {field_name} has no {lang} text")
        if not exp.norms:
            problems.append(f"{exp.id}: links no norm")
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
    return problems


def load_knowledge(norms_dir: Path = NORMS_DIR, explanations_dir: Path = EXPLANATIONS_DIR) -> KnowledgeBase:
    kb = KnowledgeBase(norms=load_norms(norms_dir), explanations=load_explanations(explanations_dir))
    problems = validate(kb)
    if problems:
        raise KnowledgeError("knowledge base is inconsistent:\n" + "\n".join(problems))
    return kb
