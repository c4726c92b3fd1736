"""The learning tables, registered on :data:`tendik.common.db.metadata` (created and changed only by
the migrations in :mod:`tendik.db`; revision 0003). Every per-user row carries ``sender_id`` (the
hashed sender id of the channel: ``tg-…`` or ``web-…``), so ``delete_user_data`` erases it.

- ``tendik_learn_progress``: one row per learner: the lesson to resume, the language, the opt-in
  daily review reminder (with the Telegram chat id only while it is on).
- ``tendik_learn_lessons``: per learner and lesson: when it was (re)started and first completed.
- ``tendik_learn_answers``: per learner and quiz question: attempts, right answers, whether the
  first answer was right, and its place in the spaced review (box, due time).
- ``tendik_learn_polls``: Telegram quiz polls sent and not yet answered: poll id -> learner, question.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Float, Index, Integer, String, Table

from tendik.common.db import metadata

progress = Table(
    "tendik_learn_progress",
    metadata,
    Column("sender_id", String(64), primary_key=True),
    Column("language", String(8), nullable=True),
    Column("current_lesson", String(64), nullable=True),
    Column("reminders", Boolean, nullable=False, default=False),
    Column("chat_id", BigInteger, nullable=True),
    Column("last_reminded_at", Float, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

lessons = Table(
    "tendik_learn_lessons",
    metadata,
    Column("sender_id", String(64), primary_key=True),
    Column("lesson_id", String(64), primary_key=True),
    Column("started_at", Float, nullable=False),
    Column("completed_at", Float, nullable=True),
)

answers = Table(
    "tendik_learn_answers",
    metadata,
    Column("sender_id", String(64), primary_key=True),
    Column("question_id", String(64), primary_key=True),
    Column("lesson_id", String(64), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("correct_attempts", Integer, nullable=False, default=0),
    Column("first_correct", Boolean, nullable=False),
    Column("last_correct", Boolean, nullable=False),
    Column("box", Integer, nullable=False),
    Column("due_at", Float, nullable=True),
    Column("answered_at", Float, nullable=False),
    Index("ix_tendik_learn_answers_due_at", "due_at"),
)

polls = Table(
    "tendik_learn_polls",
    metadata,
    Column("poll_id", String(64), primary_key=True),
    Column("sender_id", String(64), nullable=False),
    Column("question_id", String(64), nullable=False),
    Column("mode", String(16), nullable=False),  # lesson | review
    Column("created_at", Float, nullable=False),
    Index("ix_tendik_learn_polls_sender_id", "sender_id"),
)
