"""The course: the lessons of knowledge/lessons in order, looked up by id, number or quiz question,
shown as the project's typed answer payload (title, text, the one verbatim norm with its edition)
or as JSON for the widget, and quiz answers graded.

Everything shown comes from knowledge/ (the lesson texts and quiz explanations are checked like the
explanations by ``tendik.knowledge.lessons``); nothing legal is written here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from typing import Any

from tendik.answers import language_note, stale_note
from tendik.citation import Citation
from tendik.compose import short_citation
from tendik.knowledge.explanations import KnowledgeBase, load_knowledge
from tendik.knowledge.lessons import Lesson, QuizQuestion, load_lessons
from tendik.payload import AnswerPayload, Section
from tendik.texts import text

logger = logging.getLogger(__name__)


def lang_of(lang: str | None) -> str:
    """kk or ru (Russian when unknown, like the answers)."""
    return "kk" if lang == "kk" else "ru"


@dataclass(frozen=True)
class Grade:
    correct: bool
    chosen: int
    correct_option: int
    explanation: str


class Course:
    """The lessons in order (numbered from 1) and their quiz questions."""

    def __init__(self, kb: KnowledgeBase, lessons: list[Lesson]) -> None:
        self.kb = kb
        self.lessons = sorted(lessons, key=lambda lesson: lesson.order)
        self._by_id = {lesson.id: lesson for lesson in self.lessons}
        self._questions: dict[str, tuple[Lesson, QuizQuestion]] = {
            q.id: (lesson, q) for lesson in self.lessons for q in lesson.quiz
        }

    # ------------------------------------------------------------ lookups
    def __len__(self) -> int:
        return len(self.lessons)

    def lesson(self, lesson_id: str | None) -> Lesson | None:
        return self._by_id.get(lesson_id or "")

    def number(self, lesson: Lesson) -> int:
        """The lesson's place in the course, from 1."""
        return self.lessons.index(lesson) + 1

    def by_number(self, number: int) -> Lesson | None:
        return self.lessons[number - 1] if 1 <= number <= len(self.lessons) else None

    def next_after(self, lesson: Lesson) -> Lesson | None:
        return self.by_number(self.number(lesson) + 1)

    def question(self, question_id: str | None) -> tuple[Lesson, QuizQuestion] | None:
        return self._questions.get(question_id or "")

    def question_ids(self, lesson: Lesson) -> list[str]:
        return [q.id for q in lesson.quiz]

    def topic_intent(self, lesson: Lesson) -> str | None:
        """The intent of the explanation to read more (the assistant's topic), if the base has it."""
        exp = self.kb.explanations.get(lesson.topic)
        return exp.intent if exp else None

    # ------------------------------------------------------------ grading
    @staticmethod
    def grade(question: QuizQuestion, chosen: int, lang: str | None) -> Grade:
        lang = lang_of(lang)
        return Grade(chosen == question.correct, chosen, question.correct, question.explanation.text[lang])

    # ------------------------------------------------------------ showing a lesson
    def citation(self, lesson: Lesson, lang: str | None) -> Citation:
        """The lesson's one norm paragraph, verbatim, with its citation and edition."""
        return short_citation(self.kb, lesson.norm, lang_of(lang))

    def payload(self, lesson: Lesson, lang: str | None) -> AnswerPayload:
        """The lesson as a typed answer payload: "Lesson k of n" and the title, the text, the norm
        quoted verbatim under its citation and edition (with a note when the text is in another
        language or the edition is old)."""
        lang = lang_of(lang)
        c = self.citation(lesson, lang)
        notes = [line for line in (language_note(c.text_lang, lang) if c.text_lang != lang else "",
                                   stale_note(c, lang) if c.stale else "") if line]
        sections = [
            Section(kind="title", text=f"{text('learn.lesson_number', lang, n=self.number(lesson), total=len(self))}. "
                                       f"{lesson.title[lang]}"),
            Section(kind="lead", text=lesson.body(lang)),
            Section(kind="law", heading=text("answer.law", lang), citations=[0], notes=["\n".join(notes)]),
        ]
        return AnswerPayload(lang=lang, sections=sections, citations=[c], knowledge_ids=[lesson.id, c.norm_id],
                             source="lesson", view="lesson", topic=lesson.topic or None)

    def lesson_json(self, lesson: Lesson, lang: str | None) -> dict[str, Any]:
        """The lesson for the widget: its text, the norm (verbatim, cited) and the questions with
        their options (never the right answer: the server grades)."""
        lang = lang_of(lang)
        c = self.citation(lesson, lang)
        return {
            "id": lesson.id, "number": self.number(lesson), "total": len(self), "language": lang,
            "title": lesson.title[lang], "text": lesson.body(lang),
            "norm": {
                "citation": c.citation, "edition": c.edition, "text": c.text, "text_lang": c.text_lang,
                "source_url": c.source_url, "stale": c.stale,
                "notes": [n for n in (language_note(c.text_lang, lang) if c.text_lang != lang else "",
                                      stale_note(c, lang) if c.stale else "") if n],
            },
            "quiz": [self.question_json(q, lang) for q in lesson.quiz],
        }

    @staticmethod
    def question_json(q: QuizQuestion, lang: str | None) -> dict[str, Any]:
        lang = lang_of(lang)
        return {"id": q.id, "kind": q.kind, "question": q.question[lang], "options": [o[lang] for o in q.options]}

    def outline(self, lang: str | None) -> list[dict[str, Any]]:
        lang = lang_of(lang)
        return [{"id": lesson.id, "number": n, "title": lesson.title[lang], "questions": len(lesson.quiz)}
                for n, lesson in enumerate(self.lessons, 1)]


@cache
def default_course() -> Course:
    """The project's course (loaded once per process)."""
    return Course(load_knowledge(), load_lessons())
