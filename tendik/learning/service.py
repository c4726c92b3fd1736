"""What the front ends call: where a learner resumes, opening a lesson (its quiz questions not yet
answered in this run), answering (graded, recorded, the spaced review updated, the lesson completed
when its last question is answered), the review queue and reminders. Synchronous (database calls):
Telegram and the widget run these in a worker thread.

``now`` is passed in (seconds since the epoch) so that "due the next day" is testable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import Engine

from tendik.knowledge.lessons import Lesson, QuizQuestion
from tendik.learning.course import Course, Grade, default_course
from tendik.learning.store import AnswerState, LearningStore

logger = logging.getLogger(__name__)

MODES = ("lesson", "review")


class UnknownQuestion(LookupError):
    """The question is not (or no longer) in the course."""


@dataclass
class Overview:
    resume: Lesson | None  # None: every lesson completed
    current: Lesson | None
    completed: set[str]
    due: list[str]
    reminders: bool


@dataclass
class LessonRun:
    lesson: Lesson
    pending: list[QuizQuestion]  # not yet answered in this run, in order
    restarted: bool


@dataclass
class AnswerResult:
    lesson: Lesson
    question: QuizQuestion
    grade: Grade
    state: AnswerState
    mode: str
    next_question: QuizQuestion | None = None  # lesson mode: the next question of the lesson
    lesson_done: bool = False  # lesson mode: that was the lesson's last question in this run
    first_completion: bool = False
    run_correct: int = 0  # lesson mode: right answers in this run (last answer per question)
    run_total: int = 0
    due: list[str] = field(default_factory=list)  # the learner's review queue after this answer


class Learning:
    def __init__(self, store: LearningStore, course: Course | None = None) -> None:
        self.store = store
        self.course = course or default_course()

    @classmethod
    def for_engine(cls, engine: Engine, course: Course | None = None) -> Learning:
        return cls(LearningStore(engine), course)

    # ------------------------------------------------------------ where the learner is
    def resume_lesson(self, sender_id: str) -> Lesson | None:
        """The lesson to continue: the current one unless completed, else the first not completed
        after it, else the first not completed at all; None when the whole course is done."""
        prog = self.store.get_progress(sender_id)
        states = self.store.lesson_states(sender_id)
        done = {lid for lid, st in states.items() if st.completed_at is not None}
        current = self.course.lesson(prog.current_lesson if prog else None)
        if current is not None and current.id not in done:
            return current
        start = self.course.number(current) if current else 0
        ordered = self.course.lessons[start:] + self.course.lessons[:start]
        return next((lesson for lesson in ordered if lesson.id not in done), None)

    def overview(self, sender_id: str, now: float) -> Overview:
        prog = self.store.get_progress(sender_id)
        states = self.store.lesson_states(sender_id)
        return Overview(
            resume=self.resume_lesson(sender_id),
            current=self.course.lesson(prog.current_lesson if prog else None),
            completed={lid for lid, st in states.items() if st.completed_at is not None and self.course.lesson(lid)},
            due=[q for q in self.store.due(sender_id, now) if self.course.question(q)],
            reminders=bool(prog and prog.reminders),
        )

    # ------------------------------------------------------------ lessons
    def _pending(self, sender_id: str, lesson: Lesson, started_at: float) -> list[QuizQuestion]:
        states = self.store.answer_states(sender_id, self.course.question_ids(lesson))
        return [q for q in lesson.quiz if q.id not in states or states[q.id].answered_at < started_at]

    def open_lesson(self, sender_id: str, lesson: Lesson, language: str | None, now: float, restart: bool = False) -> LessonRun:
        """Make ``lesson`` the current one and give the questions still to answer in this run. A
        lesson whose run is over (every question answered) starts a new run."""
        self.store.set_current(sender_id, lesson.id, language, now)
        started = self.store.start_lesson(sender_id, lesson.id, now, restart)
        pending = self._pending(sender_id, lesson, started)
        restarted = restart
        if not pending and not restart:
            started = self.store.start_lesson(sender_id, lesson.id, now, True)
            pending = list(lesson.quiz)
            restarted = True
        return LessonRun(lesson, pending, restarted)

    # ------------------------------------------------------------ answers
    def answer(self, sender_id: str, question_id: str, chosen: int, language: str | None, now: float,
               mode: str = "lesson") -> AnswerResult:
        found = self.course.question(question_id)
        if found is None:
            raise UnknownQuestion(question_id)
        lesson, question = found
        if not 0 <= chosen < len(question.options):
            raise ValueError("option out of range")
        grade = self.course.grade(question, chosen, language)
        state = self.store.record_answer(sender_id, question.id, lesson.id, grade.correct, now)
        result = AnswerResult(lesson, question, grade, state, mode if mode in MODES else "lesson")
        if result.mode == "lesson":
            started = self.store.start_lesson(sender_id, lesson.id, now, restart=False)
            pending = self._pending(sender_id, lesson, started)
            result.next_question = pending[0] if pending else None
            states = self.store.answer_states(sender_id, self.course.question_ids(lesson))
            run = [states[q.id] for q in lesson.quiz if q.id in states and states[q.id].answered_at >= started]
            result.run_total, result.run_correct = len(lesson.quiz), sum(1 for s in run if s.last_correct)
            if not pending:
                result.lesson_done = True
                result.first_completion = self.store.complete_lesson(sender_id, lesson.id, now)
        result.due = [q for q in self.store.due(sender_id, now) if self.course.question(q)]
        return result

    # ------------------------------------------------------------ spaced review
    def review_queue(self, sender_id: str, now: float) -> list[tuple[Lesson, QuizQuestion]]:
        out = []
        for qid in self.store.due(sender_id, now):
            found = self.course.question(qid)
            if found:
                out.append(found)
        return out

    def set_reminders(self, sender_id: str, on: bool, chat_id: int | None, language: str | None, now: float) -> None:
        self.store.set_reminders(sender_id, on, chat_id, language, now)
