"""Queries on the learning tables (:mod:`tendik.learning.tables`), synchronous (SQLAlchemy 2): the
front ends run them in a worker thread. Works on SQLite and PostgreSQL.

Per-user state is keyed by the sender id the front end already uses (hashed: ``tg-…``/``web-…``);
:meth:`LearningStore.stats` gives counts only, never a sender id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, and_, case, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from tendik.learning import schedule
from tendik.learning.tables import answers, lessons, polls, progress

logger = logging.getLogger(__name__)


@dataclass
class Progress:
    sender_id: str
    language: str | None
    current_lesson: str | None
    reminders: bool
    chat_id: int | None
    last_reminded_at: float | None


@dataclass
class AnswerState:
    question_id: str
    lesson_id: str
    attempts: int
    correct_attempts: int
    first_correct: bool
    last_correct: bool
    box: int
    due_at: float | None
    answered_at: float


@dataclass
class LessonState:
    lesson_id: str
    started_at: float
    completed_at: float | None


@dataclass
class Poll:
    poll_id: str
    sender_id: str
    question_id: str
    mode: str


@dataclass
class ReminderTarget:
    sender_id: str
    chat_id: int
    language: str | None
    due: int


@dataclass
class QuestionCounts:
    learners: int = 0  # learners who answered it
    first_correct: int = 0  # of them, right the first time
    attempts: int = 0
    correct_attempts: int = 0
    in_review: int = 0  # learners for whom it is in the review queue now


@dataclass
class Stats:
    """Anonymised counts: learners, per lesson (started, completed), per question."""

    learners: int = 0
    reminders_on: int = 0
    lessons: dict[str, tuple[int, int]] = field(default_factory=dict)
    questions: dict[str, QuestionCounts] = field(default_factory=dict)


def _answer(row: Any) -> AnswerState:
    return AnswerState(row.question_id, row.lesson_id, int(row.attempts or 0), int(row.correct_attempts or 0),
                       bool(row.first_correct), bool(row.last_correct), int(row.box), row.due_at, float(row.answered_at))


class LearningStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------ progress
    def _upsert_progress(self, conn: Any, sender_id: str, now: float, **values: Any) -> None:
        done = conn.execute(update(progress).where(progress.c.sender_id == sender_id).values(updated_at=now, **values)).rowcount
        if done:
            return
        row = {"reminders": False, **values}
        try:
            with conn.begin_nested():
                conn.execute(insert(progress).values(sender_id=sender_id, created_at=now, updated_at=now, **row))
        except IntegrityError:  # made meanwhile by a concurrent request
            conn.execute(update(progress).where(progress.c.sender_id == sender_id).values(updated_at=now, **values))

    def get_progress(self, sender_id: str) -> Progress | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(progress).where(progress.c.sender_id == sender_id)).first()
        if row is None:
            return None
        return Progress(row.sender_id, row.language, row.current_lesson, bool(row.reminders),
                        int(row.chat_id) if row.chat_id is not None else None, row.last_reminded_at)

    def set_current(self, sender_id: str, lesson_id: str, language: str | None, now: float) -> None:
        with self.engine.begin() as conn:
            values: dict[str, Any] = {"current_lesson": lesson_id}
            if language:
                values["language"] = language
            self._upsert_progress(conn, sender_id, now, **values)

    def set_reminders(self, sender_id: str, on: bool, chat_id: int | None, language: str | None, now: float) -> None:
        """Opt in (with the chat to remind in) or out (the chat id is forgotten)."""
        with self.engine.begin() as conn:
            values: dict[str, Any] = {"reminders": on, "chat_id": chat_id if on else None}
            if language:
                values["language"] = language
            self._upsert_progress(conn, sender_id, now, **values)

    # ------------------------------------------------------------ lessons
    def start_lesson(self, sender_id: str, lesson_id: str, now: float, restart: bool) -> float:
        """Mark the lesson started (``restart``: a new run of its quiz from now); returns the start
        of the current run."""
        with self.engine.begin() as conn:
            row = conn.execute(
                select(lessons.c.started_at).where(lessons.c.sender_id == sender_id, lessons.c.lesson_id == lesson_id)
            ).first()
            if row is not None:
                if not restart:
                    return float(row.started_at)
                conn.execute(update(lessons).where(lessons.c.sender_id == sender_id, lessons.c.lesson_id == lesson_id)
                             .values(started_at=now))
                return now
            try:
                with conn.begin_nested():
                    conn.execute(insert(lessons).values(sender_id=sender_id, lesson_id=lesson_id, started_at=now, completed_at=None))
            except IntegrityError:
                pass
        return now

    def lesson_states(self, sender_id: str) -> dict[str, LessonState]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(lessons).where(lessons.c.sender_id == sender_id)).all()
        return {r.lesson_id: LessonState(r.lesson_id, float(r.started_at), r.completed_at) for r in rows}

    def complete_lesson(self, sender_id: str, lesson_id: str, now: float) -> bool:
        """Record the first completion; False when it was completed before."""
        with self.engine.begin() as conn:
            return bool(conn.execute(
                update(lessons)
                .where(lessons.c.sender_id == sender_id, lessons.c.lesson_id == lesson_id, lessons.c.completed_at.is_(None))
                .values(completed_at=now)
            ).rowcount)

    # ------------------------------------------------------------ answers and the review queue
    def record_answer(self, sender_id: str, question_id: str, lesson_id: str, correct: bool, now: float) -> AnswerState:
        with self.engine.begin() as conn:
            row = conn.execute(
                select(answers).where(answers.c.sender_id == sender_id, answers.c.question_id == question_id)
            ).first()
            step = schedule.next_step(int(row.box) if row is not None else None, correct, now)
            if row is None:
                values = dict(lesson_id=lesson_id, attempts=1, correct_attempts=int(correct), first_correct=correct,
                              last_correct=correct, box=step.box, due_at=step.due_at, answered_at=now)
                try:
                    with conn.begin_nested():
                        conn.execute(insert(answers).values(sender_id=sender_id, question_id=question_id, **values))
                    return AnswerState(question_id, **values)  # type: ignore[arg-type]
                except IntegrityError:  # answered twice at once: count it as a second answer
                    box = conn.execute(
                        select(answers.c.box).where(answers.c.sender_id == sender_id, answers.c.question_id == question_id)
                    ).scalar_one()
                    step = schedule.next_step(int(box), correct, now)
            conn.execute(
                update(answers).where(answers.c.sender_id == sender_id, answers.c.question_id == question_id)
                .values(attempts=answers.c.attempts + 1, correct_attempts=answers.c.correct_attempts + int(correct),
                        last_correct=correct, box=step.box, due_at=step.due_at, answered_at=now)
            )
            row = conn.execute(
                select(answers).where(answers.c.sender_id == sender_id, answers.c.question_id == question_id)
            ).first()
        return _answer(row)

    def answer_states(self, sender_id: str, question_ids: Iterable[str] | None = None) -> dict[str, AnswerState]:
        query = select(answers).where(answers.c.sender_id == sender_id)
        if question_ids is not None:
            query = query.where(answers.c.question_id.in_(list(question_ids)))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return {r.question_id: _answer(r) for r in rows}

    def due(self, sender_id: str, now: float) -> list[str]:
        """The learner's questions due for review now, longest overdue first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(answers.c.question_id)
                .where(answers.c.sender_id == sender_id, answers.c.due_at.is_not(None), answers.c.due_at <= now)
                .order_by(answers.c.due_at, answers.c.question_id)
            ).all()
        return [r.question_id for r in rows]

    def next_due_at(self, sender_id: str) -> float | None:
        """When the learner's next review question is due (None: nothing in review)."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(func.min(answers.c.due_at)).where(answers.c.sender_id == sender_id, answers.c.due_at.is_not(None))
            ).scalar()

    # ------------------------------------------------------------ reminders
    def reminder_targets(self, now: float, every: float = schedule.DAY, limit: int = 1000) -> list[ReminderTarget]:
        """Learners with reminders on, a chat to write to, questions due, and no reminder in the
        last ``every`` seconds."""
        due_count = func.count(answers.c.question_id)
        query = (
            select(progress.c.sender_id, progress.c.chat_id, progress.c.language, due_count.label("due"))
            .join(answers, and_(answers.c.sender_id == progress.c.sender_id, answers.c.due_at.is_not(None), answers.c.due_at <= now))
            .where(progress.c.reminders.is_(True), progress.c.chat_id.is_not(None))
            .where((progress.c.last_reminded_at.is_(None)) | (progress.c.last_reminded_at <= now - every))
            .group_by(progress.c.sender_id, progress.c.chat_id, progress.c.language)
            .order_by(progress.c.sender_id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [ReminderTarget(r.sender_id, int(r.chat_id), r.language, int(r.due)) for r in rows]

    def mark_reminded(self, sender_id: str, now: float) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(progress).where(progress.c.sender_id == sender_id).values(last_reminded_at=now))

    # ------------------------------------------------------------ Telegram quiz polls
    def add_poll(self, poll_id: str, sender_id: str, question_id: str, mode: str, now: float) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(polls).values(poll_id=poll_id, sender_id=sender_id, question_id=question_id, mode=mode, created_at=now))

    def take_poll(self, poll_id: str) -> Poll | None:
        """The poll's learner and question, forgotten at once (a quiz poll is answered once)."""
        with self.engine.begin() as conn:
            row = conn.execute(select(polls).where(polls.c.poll_id == poll_id)).first()
            if row is None:
                return None
            if not conn.execute(delete(polls).where(polls.c.poll_id == poll_id)).rowcount:
                return None  # taken by a concurrent update
        return Poll(row.poll_id, row.sender_id, row.question_id, row.mode)

    def prune_polls(self, older_than: float) -> int:
        with self.engine.begin() as conn:
            return int(conn.execute(delete(polls).where(polls.c.created_at < older_than)).rowcount or 0)

    # ------------------------------------------------------------ anonymised statistics
    def stats(self) -> Stats:
        """Counts only (no sender id leaves this method)."""
        out = Stats()
        with self.engine.connect() as conn:
            out.learners = int(conn.execute(select(func.count()).select_from(progress)).scalar_one())
            out.reminders_on = int(conn.execute(
                select(func.count()).select_from(progress).where(progress.c.reminders.is_(True))
            ).scalar_one())
            for lesson_id, started, completed in conn.execute(
                select(lessons.c.lesson_id, func.count(), func.count(lessons.c.completed_at)).group_by(lessons.c.lesson_id)
            ).all():
                out.lessons[lesson_id] = (int(started), int(completed))
            rows = conn.execute(
                select(
                    answers.c.question_id, func.count(),
                    func.sum(case((answers.c.first_correct.is_(True), 1), else_=0)),
                    func.sum(answers.c.attempts), func.sum(answers.c.correct_attempts),
                    func.sum(case((and_(answers.c.due_at.is_not(None)), 1), else_=0)),
                ).group_by(answers.c.question_id)
            ).all()
        for qid, learners, first, attempts, correct, in_review in rows:
            out.questions[qid] = QuestionCounts(int(learners), int(first or 0), int(attempts or 0), int(correct or 0), int(in_review or 0))
        return out
