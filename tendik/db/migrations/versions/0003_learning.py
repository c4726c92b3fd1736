"""Lessons and quizzes: tendik_learn_progress, tendik_learn_lessons, tendik_learn_answers,
tendik_learn_polls (issue 13; :mod:`tendik.learning.tables`). Every per-user row has sender_id.

Revision ID: 0003_learning
Revises: 0002_review_login_attempts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_learning"
down_revision = "0002_review_login_attempts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tendik_learn_progress",
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("current_lesson", sa.String(64), nullable=True),
        sa.Column("reminders", sa.Boolean(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("last_reminded_at", sa.Float(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("sender_id"),
    )
    op.create_table(
        "tendik_learn_lessons",
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("lesson_id", sa.String(64), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=False),
        sa.Column("completed_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("sender_id", "lesson_id"),
    )
    op.create_table(
        "tendik_learn_answers",
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("lesson_id", sa.String(64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("correct_attempts", sa.Integer(), nullable=False),
        sa.Column("first_correct", sa.Boolean(), nullable=False),
        sa.Column("last_correct", sa.Boolean(), nullable=False),
        sa.Column("box", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.Float(), nullable=True),
        sa.Column("answered_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("sender_id", "question_id"),
    )
    op.create_index("ix_tendik_learn_answers_due_at", "tendik_learn_answers", ["due_at"])
    op.create_table(
        "tendik_learn_polls",
        sa.Column("poll_id", sa.String(64), nullable=False),
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("poll_id"),
    )
    op.create_index("ix_tendik_learn_polls_sender_id", "tendik_learn_polls", ["sender_id"])


def downgrade() -> None:
    for table in ("tendik_learn_polls", "tendik_learn_answers", "tendik_learn_lessons", "tendik_learn_progress"):
        op.drop_table(table)  # their indexes go with them
