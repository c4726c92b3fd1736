"""The course (knowledge/lessons/*.yml): short lessons in Kazakh and Russian, each with one verbatim
norm paragraph and 1-3 quiz questions whose explanations rest on the norms like every statement of
the explanations do.

File format::

    id: lesson-01-ban          # = file name; lessons are taken in the order of `order`
    order: 1
    title: {ru: "...", kk: "..."}
    text:                      # statements (as in the explanations); <= 600 visible characters per language
      - {ru: "...", kk: "...", rests_on: [tk-006:1]}
      - {ru: "...", kk: "...", says: gap}
    norm: tk-006:2             # the one paragraph quoted verbatim, with its edition
    topic: exp-discrimination-definition   # the explanation to read more
    quiz:
      - id: q01-myth-definition
        kind: myth_fact        # or scenario ("is this discrimination?")
        question: {ru: "...", kk: "..."}      # <= 300 characters (Telegram quiz poll)
        options: [{ru: "...", kk: "..."}, ...] # 2-4 options, <= 100 characters each
        correct: 1             # index of the right option
        explanation: {ru: "...", kk: "...", rests_on: [tk-006:2]}   # <= 200 characters
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tendik.knowledge.content_check import Finding, check_statement
from tendik.knowledge.explanations import LANGS, SAYS, Explanation, KnowledgeBase, ParagraphRef, Statement, _statements
from tendik.knowledge.norms import ROOT

LESSONS_DIR = ROOT / "knowledge" / "lessons"
KINDS = ("myth_fact", "scenario")
# Limits: the lesson text on a phone screen; Telegram's quiz polls (question 300, option 100,
# explanation 200 characters).
TEXT_LIMIT, QUESTION_LIMIT, OPTION_LIMIT, EXPLANATION_LIMIT = 600, 300, 100, 200


@dataclass
class QuizQuestion:
    id: str
    kind: str
    question: dict[str, str]
    options: list[dict[str, str]]
    correct: int
    explanation: Statement


@dataclass
class Lesson:
    id: str
    order: int
    title: dict[str, str]
    text: list[Statement]
    norm: ParagraphRef
    topic: str
    quiz: list[QuizQuestion] = field(default_factory=list)

    def body(self, lang: str) -> str:
        return " ".join(st.text[lang] for st in self.text)


def _lang_map(raw: Any) -> dict[str, str]:
    return {lang: str((raw or {}).get(lang) or "").strip() for lang in LANGS}


def load_lesson(file: Path) -> Lesson:
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    quiz = []
    for q in data.get("quiz") or []:
        expl = _statements([q.get("explanation") or {}], f"{file.name} {q.get('id')} explanation")[0]
        quiz.append(
            QuizQuestion(
                id=str(q["id"]), kind=str(q.get("kind")), question=_lang_map(q.get("question")),
                options=[_lang_map(o) for o in q.get("options") or []], correct=int(q.get("correct", -1)), explanation=expl,
            )
        )
    return Lesson(
        id=data["id"], order=int(data["order"]), title=_lang_map(data.get("title")),
        text=_statements(data.get("text"), f"{file.name} text"), norm=ParagraphRef.parse(data["norm"]),
        topic=str(data.get("topic") or ""), quiz=quiz,
    )


def load_lessons(path: Path = LESSONS_DIR) -> list[Lesson]:
    return sorted((load_lesson(f) for f in sorted(path.glob("*.yml"))), key=lambda lesson: lesson.order)


def lesson_findings(kb: KnowledgeBase, lessons: list[Lesson], files: dict[str, Path] | None = None) -> list[Finding]:
    """Every link valid, every kk/ru pair present, the limits kept, and each statement checked like
    an explanation's (rests on a paragraph, names only articles it rests on, statutes' terms, no
    three-month reinstatement limit as valid law)."""
    out: list[Finding] = []
    ids: set[str] = set()
    quiz_ids: set[str] = set()
    orders: set[int] = set()
    for lesson in lessons:
        where = lesson.id
        if lesson.id in ids:
            out.append(Finding(where, "duplicate lesson id"))
        ids.add(lesson.id)
        if lesson.order in orders:
            out.append(Finding(where, f"order {lesson.order} is used twice"))
        orders.add(lesson.order)
        if files and lesson.id not in files:
            out.append(Finding(where, "id does not match its file name"))
        if lesson.topic not in kb.explanations:
            out.append(Finding(where, f"unknown topic {lesson.topic!r}"))
        norm = kb.norms.get(lesson.norm.norm_id)
        if norm is None:
            out.append(Finding(where, f"unknown norm {lesson.norm}"))
        else:
            for version in norm.versions.values():
                if lesson.norm.paragraph not in version.paragraphs():
                    out.append(Finding(where, f"{lesson.norm} ({version.lang}) has no such paragraph"))
        for lang in LANGS:
            if not lesson.title[lang]:
                out.append(Finding(where, f"title has no {lang} text"))
            if len(lesson.body(lang)) > TEXT_LIMIT:
                out.append(Finding(where, f"({lang}) text is {len(lesson.body(lang))} characters (limit {TEXT_LIMIT})"))
        # The lesson's statements and quiz explanations are checked as an explanation whose links
        # are the lesson's norm and every paragraph they rest on (each must exist).
        statements = [*lesson.text, *(q.explanation for q in lesson.quiz)]
        refs = {lesson.norm, *(r for st in statements for r in st.rests_on)}
        missing = [
            ref for ref in refs
            if ref.norm_id not in kb.norms or any(ref.paragraph not in v.paragraphs() for v in kb.norms[ref.norm_id].versions.values())
        ]
        out.extend(Finding(where, f"rests on {ref}, which the base does not have") for ref in missing)
        pseudo = Explanation(id=where, intent="", norms=[], title=lesson.title, statements=statements, steps=[])
        for n, st in enumerate(statements if not missing else [], 1):
            for lang in LANGS:
                if not st.text.get(lang):
                    out.append(Finding(f"{where} statement {n}", f"no {lang} text"))
            if not st.rests_on and st.says not in SAYS:
                out.append(Finding(f"{where} statement {n}", "rests on no paragraph and does not say what it is"))
            out.extend(check_statement(kb, pseudo, n, st))
        if not 1 <= len(lesson.quiz) <= 3:
            out.append(Finding(where, f"{len(lesson.quiz)} quiz questions (1-3 expected)"))
        for q in lesson.quiz:
            qwhere = f"{where} {q.id}"
            if q.id in quiz_ids:
                out.append(Finding(qwhere, "duplicate quiz id"))
            quiz_ids.add(q.id)
            if q.kind not in KINDS:
                out.append(Finding(qwhere, f"kind {q.kind!r}, expected one of {KINDS}"))
            if not 2 <= len(q.options) <= 4:
                out.append(Finding(qwhere, f"{len(q.options)} options (2-4 expected)"))
            if not 0 <= q.correct < len(q.options):
                out.append(Finding(qwhere, "correct option out of range"))
            if not q.explanation.rests_on:
                out.append(Finding(qwhere, "the explanation of the answer rests on no paragraph"))
            for lang in LANGS:
                if not 1 <= len(q.question[lang]) <= QUESTION_LIMIT:
                    out.append(Finding(qwhere, f"({lang}) question length {len(q.question[lang])} (1-{QUESTION_LIMIT})"))
                for o in q.options:
                    if not 1 <= len(o[lang]) <= OPTION_LIMIT:
                        out.append(Finding(qwhere, f"({lang}) option length {len(o[lang])} (1-{OPTION_LIMIT})"))
                if len(q.explanation.text.get(lang, "")) > EXPLANATION_LIMIT:
                    out.append(Finding(qwhere, f"({lang}) explanation is {len(q.explanation.text[lang])} characters (limit {EXPLANATION_LIMIT})"))
                if len({o[lang] for o in q.options}) != len(q.options):
                    out.append(Finding(qwhere, f"({lang}) two options are the same"))
    return out


def main() -> int:
    import sys

    from tendik.knowledge.explanations import load_knowledge

    kb = load_knowledge()
    lessons = load_lessons()
    files = {f.stem: f for f in LESSONS_DIR.glob("*.yml")}
    findings = lesson_findings(kb, lessons, files)
    for f in findings:
        print(f)
    print(f"{len(lessons)} lessons, {sum(len(x.quiz) for x in lessons)} quiz questions, {len(findings)} problems", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
