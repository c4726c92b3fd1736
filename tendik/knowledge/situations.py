"""Reviewed kk/ru phrases for answering a worker's situation (knowledge/situations/*.yml): per
ground, per stage, per ground-and-stage combination where the law says more, per route (who hears
the dispute, by employer kind) and per time limit. Every phrase is a statement that rests on the
paragraphs it restates (or says it is advice, a gap, meta), exactly like the explanations', and
is checked the same way (:func:`situation_findings`). The answers assemble them; they never write
law of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tendik.knowledge.content_check import Finding, check_statement
from tendik.knowledge.explanations import LANGS, SAYS, Explanation, KnowledgeBase, ParagraphRef, Statement, _statements
from tendik.paths import KNOWLEDGE

SITUATIONS_DIR = KNOWLEDGE / "situations"
ANY = "any"
# Routes whose disputes the conciliation commission does not consider (TK art. 159(1)).
DIRECT_ROUTES = ("micro", "ngo_small", "domestic")
PHRASE_LIMIT = 230  # characters per language: a phrase is one plain sentence of the first reply


def _statement(raw: Any, where: str) -> Statement:
    return _statements([raw], where)[0]


def _names(raw: Any) -> dict[str, str]:
    return {lang: str((raw or {}).get(lang) or "") for lang in LANGS}


@dataclass
class Ground:
    id: str
    name: dict[str, str]
    paragraph: ParagraphRef
    phrase: Statement
    topic: str


@dataclass
class StageDetail:
    """A detail told with a stage that a more precise paragraph answers (a probation extended: its
    longest term, TK art. 36(2), not its result, art. 37): replaces the stage's phrase, paragraph and steps."""

    paragraph: ParagraphRef
    phrase: Statement
    steps: list[Statement]


@dataclass
class Stage:
    id: str
    name: dict[str, str]
    paragraph: ParagraphRef
    phrase: Statement
    topic: str
    steps: list[Statement]
    # Paragraphs of other acts about this stage (the fine for unequal pay, КоАП art. 90(1)): a topic
    # question asked after the worker told this situation quotes one of them when its lead rests on it.
    related: list[ParagraphRef] = field(default_factory=list)
    details: dict[str, StageDetail] = field(default_factory=dict)


@dataclass
class Specific:
    grounds: tuple[str, ...]
    stage: str
    paragraph: ParagraphRef
    phrase: Statement
    topic: str

    def matches(self, grounds: tuple[str, ...], stage: str | None) -> int:
        """0 when it does not apply; else how specific it is (higher wins)."""
        ground_ok = ANY in self.grounds or any(g in self.grounds for g in grounds)
        stage_ok = self.stage == ANY or self.stage == stage
        if not (ground_ok and stage_ok):
            return 0
        return (2 if ANY not in self.grounds else 0) + (1 if self.stage != ANY else 0) + 1


@dataclass
class Route:
    id: str
    name: dict[str, str]
    paragraph: ParagraphRef
    phrase: Statement
    topic: str
    notes: list[Statement] = field(default_factory=list)
    question: Statement | None = None


@dataclass
class Deadline:
    stage: str
    paragraph: ParagraphRef
    topic: str
    phrase: Statement
    by_route: dict[str, Statement] = field(default_factory=dict)


@dataclass
class SituationKnowledge:
    grounds: dict[str, Ground]
    stages: dict[str, Stage]
    specifics: list[Specific]
    routes: dict[str, Route]
    channels: dict[str, Route]
    deadlines: dict[str, Deadline]
    deadline_notes: list[Statement]

    def specific(self, grounds: tuple[str, ...], stage: str | None) -> Specific | None:
        best, score = None, 0
        for entry in self.specifics:
            s = entry.matches(grounds, stage)
            if s > score:
                best, score = entry, s
        return best

    def route(self, kind: str | None) -> Route:
        return self.routes.get(kind or "", self.routes["other"])

    def deadline(self, stage: str | None) -> Deadline:
        return self.deadlines.get(stage or "", self.deadlines["default"])

    def deadline_phrase(self, stage: str | None, employer_kind: str | None) -> Statement:
        d = self.deadline(stage)
        if employer_kind in DIRECT_ROUTES and "direct" in d.by_route:
            return d.by_route["direct"]
        if employer_kind and employer_kind in d.by_route:
            return d.by_route[employer_kind]
        return d.phrase

    def situation_paragraphs(self, grounds: tuple[str, ...], stage: str | None) -> list[ParagraphRef]:
        """The paragraphs a situation's answer rests on, most specific first: the combination's
        paragraph and its phrase's, each ground's, the stage's and its related paragraphs."""
        out: list[ParagraphRef] = []
        entry = self.specific(grounds, stage) if (grounds or stage) else None
        if entry:
            out += [entry.paragraph, *entry.phrase.rests_on]
        for g in grounds:
            if g in self.grounds:
                out += [self.grounds[g].paragraph, *self.grounds[g].phrase.rests_on]
        if stage in self.stages:
            st = self.stages[stage]
            out += [st.paragraph, *st.phrase.rests_on, *st.related]
        return list(dict.fromkeys(out))

    def statements(self) -> list[tuple[str, Statement]]:
        """Every statement with where it is (for the checks)."""
        out: list[tuple[str, Statement]] = []
        out += [(f"ground {g.id}", g.phrase) for g in self.grounds.values()]
        for s in self.stages.values():
            out += [(f"stage {s.id}", s.phrase)] + [(f"stage {s.id} step {n}", st) for n, st in enumerate(s.steps, 1)]
            for did, detail in s.details.items():
                out += [(f"stage {s.id} {did}", detail.phrase)]
                out += [(f"stage {s.id} {did} step {n}", st) for n, st in enumerate(detail.steps, 1)]
        out += [(f"specific {'+'.join(e.grounds)}x{e.stage}", e.phrase) for e in self.specifics]
        for kind, group in (("route", self.routes), ("channel", self.channels)):
            for r in group.values():
                out += [(f"{kind} {r.id}", r.phrase)] + [(f"{kind} {r.id} note {n}", st) for n, st in enumerate(r.notes, 1)]
                if r.question:
                    out.append((f"{kind} {r.id} question", r.question))
        for d in self.deadlines.values():
            out += [(f"deadline {d.stage}", d.phrase)] + [(f"deadline {d.stage} {k}", st) for k, st in d.by_route.items()]
        out += [(f"deadline note {n}", st) for n, st in enumerate(self.deadline_notes, 1)]
        return out

    def paragraphs(self) -> list[tuple[str, ParagraphRef]]:
        out = [(f"ground {g.id}", g.paragraph) for g in self.grounds.values()]
        out += [(f"stage {s.id}", s.paragraph) for s in self.stages.values()]
        out += [(f"stage {s.id} related", r) for s in self.stages.values() for r in s.related]
        out += [(f"stage {s.id} {did}", d.paragraph) for s in self.stages.values() for did, d in s.details.items()]
        out += [(f"specific {'+'.join(e.grounds)}x{e.stage}", e.paragraph) for e in self.specifics]
        out += [(f"route {r.id}", r.paragraph) for r in [*self.routes.values(), *self.channels.values()]]
        out += [(f"deadline {d.stage}", d.paragraph) for d in self.deadlines.values()]
        return out

    def topics(self) -> list[tuple[str, str]]:
        out = [(f"ground {g.id}", g.topic) for g in self.grounds.values()]
        out += [(f"stage {s.id}", s.topic) for s in self.stages.values()]
        out += [(f"specific {'+'.join(e.grounds)}x{e.stage}", e.topic) for e in self.specifics]
        out += [(f"route {r.id}", r.topic) for r in [*self.routes.values(), *self.channels.values()]]
        out += [(f"deadline {d.stage}", d.topic) for d in self.deadlines.values()]
        return out


def _load(name: str, directory: Path) -> dict[str, Any]:
    data = yaml.safe_load((directory / f"{name}.yml").read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _route(rid: str, raw: dict[str, Any], where: str) -> Route:
    return Route(
        id=rid, name=_names(raw.get("name")), paragraph=ParagraphRef.parse(raw["paragraph"]),
        phrase=_statement(raw["phrase"], f"{where} {rid}"), topic=str(raw.get("topic") or ""),
        notes=_statements(raw.get("notes"), f"{where} {rid} notes"),
        question=_statement(raw["question"], f"{where} {rid} question") if raw.get("question") else None,
    )


def load_situations(directory: Path = SITUATIONS_DIR) -> SituationKnowledge:
    grounds_raw = _load("grounds", directory).get("grounds") or {}
    stages_raw = _load("stages", directory).get("stages") or {}
    specific_raw = _load("specific", directory).get("specific") or []
    routes_data = _load("routes", directory)
    deadlines_data = _load("deadlines", directory)
    grounds = {
        gid: Ground(gid, _names(g.get("name")), ParagraphRef.parse(g["paragraph"]), _statement(g["phrase"], f"ground {gid}"),
                    str(g.get("topic") or ""))
        for gid, g in grounds_raw.items()
    }
    stages = {
        sid: Stage(sid, _names(s.get("name")), ParagraphRef.parse(s["paragraph"]), _statement(s["phrase"], f"stage {sid}"),
                   str(s.get("topic") or ""), _statements(s.get("steps"), f"stage {sid} steps"),
                   [ParagraphRef.parse(r) for r in s.get("related") or []],
                   {did: StageDetail(ParagraphRef.parse(d["paragraph"]), _statement(d["phrase"], f"stage {sid} {did}"),
                                     _statements(d.get("steps"), f"stage {sid} {did} steps"))
                    for did, d in (s.get("details") or {}).items()})
        for sid, s in stages_raw.items()
    }
    specifics = [
        Specific(tuple(str(g) for g in e["when"].get("grounds") or [ANY]), str(e["when"].get("stage") or ANY),
                 ParagraphRef.parse(e["paragraph"]), _statement(e["phrase"], f"specific {n}"), str(e.get("topic") or ""))
        for n, e in enumerate(specific_raw, 1)
    ]
    routes: dict[str, Route] = {}
    for rid, raw in (routes_data.get("routes") or {}).items():
        if raw.get("same_as"):
            base = (routes_data["routes"])[raw["same_as"]]
            merged = {**base, **{k: v for k, v in raw.items() if k != "same_as"}}
            routes[rid] = _route(rid, merged, "route")
        else:
            routes[rid] = _route(rid, raw, "route")
    channels = {cid: _route(cid, raw, "channel") for cid, raw in (routes_data.get("channels") or {}).items()}
    deadlines = {
        stage: Deadline(stage, ParagraphRef.parse(d["paragraph"]), str(d.get("topic") or ""), _statement(d["phrase"], f"deadline {stage}"),
                        {k: _statement(v, f"deadline {stage} {k}") for k, v in (d.get("by_route") or {}).items()})
        for stage, d in (deadlines_data.get("deadlines") or {}).items()
    }
    return SituationKnowledge(grounds, stages, specifics, routes, channels, deadlines,
                              _statements(deadlines_data.get("notes"), "deadline notes"))


def situation_findings(kb: KnowledgeBase, sk: SituationKnowledge, grounds: tuple[str, ...], stages: tuple[str, ...]) -> list[Finding]:
    """Every ground and stage the extractor knows has its phrases; every paragraph exists; every
    topic is an explanation; every statement passes the explanations' checks (rests on existing
    paragraphs or says what it is, names only articles it rests on, dates, terms, the three-month
    rule); phrases are short."""
    out: list[Finding] = []
    for g in grounds:
        if g not in sk.grounds:
            out.append(Finding("situations", f"ground {g} has no phrase"))
    for s in stages:
        if s not in sk.stages:
            out.append(Finding("situations", f"stage {s} has no phrase"))
    for required in ("other", "unknown", *DIRECT_ROUTES, "civil_service"):
        if required not in sk.routes:
            out.append(Finding("situations", f"route {required} is missing"))
    if "default" not in sk.deadlines:
        out.append(Finding("situations", "deadline default is missing"))
    for where, ref in sk.paragraphs():
        norm = kb.norms.get(ref.norm_id)
        if norm is None or any(ref.paragraph not in v.paragraphs() for v in norm.versions.values()):
            out.append(Finding(where, f"paragraph {ref} is not in the base"))
    for where, topic in sk.topics():
        if topic not in kb.explanations:
            out.append(Finding(where, f"unknown topic {topic!r}"))
    for stage in sk.stages.values():
        if not 1 <= len(stage.steps) <= 3:
            out.append(Finding(f"stage {stage.id}", f"{len(stage.steps)} steps (1-3 expected)"))
    for where, st in sk.statements():
        missing = [r for r in st.rests_on if r.norm_id not in kb.norms
                   or any(r.paragraph not in v.paragraphs() for v in kb.norms[r.norm_id].versions.values())]
        if missing:
            out.append(Finding(where, f"rests on {', '.join(map(str, missing))}, which the base does not have"))
            continue
        if not st.rests_on and st.says not in SAYS:
            out.append(Finding(where, "rests on no paragraph and does not say what it is"))
        for lang in LANGS:
            if not st.text.get(lang):
                out.append(Finding(where, f"no {lang} text"))
            elif len(st.text[lang]) > PHRASE_LIMIT:
                out.append(Finding(where, f"({lang}) {len(st.text[lang])} characters (limit {PHRASE_LIMIT})"))
        pseudo = Explanation(id=where, intent="", norms=[], title={}, statements=[st], steps=[])
        out.extend(check_statement(kb, pseudo, 1, st))
    return out
