"""Handing a conversation to a person: tendik_handoffs, tendik_handoff_messages, tendik_handoff_notes,
tendik_audit (issue 14; :mod:`tendik.handoff.tables`). Per-user rows carry sender_id.

Revision ID: 0004_handoff
Revises: 0003_learning
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_handoff"
down_revision = "0003_learning"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tendik_handoffs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(200), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("claimed_at", sa.Float(), nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("closed_at", sa.Float(), nullable=True),
        sa.Column("closed_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tendik_handoffs_sender_id", "tendik_handoffs", ["sender_id"])
    op.create_index("ix_tendik_handoffs_status_created", "tendik_handoffs", ["status", "created_at"])
    op.create_table(
        "tendik_handoff_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("handoff_id", sa.String(32), nullable=False),
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("author", sa.String(16), nullable=False),
        sa.Column("operator", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("delivered_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tendik_handoff_messages_handoff", "tendik_handoff_messages", ["handoff_id", "id"])
    op.create_index("ix_tendik_handoff_messages_undelivered", "tendik_handoff_messages", ["delivered_at", "author"])
    op.create_index("ix_tendik_handoff_messages_sender", "tendik_handoff_messages", ["sender_id", "id"])
    op.create_table(
        "tendik_handoff_notes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("handoff_id", sa.String(32), nullable=False),
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("operator", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tendik_handoff_notes_handoff", "tendik_handoff_notes", ["handoff_id"])
    op.create_table(
        "tendik_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("handoff_id", sa.String(32), nullable=True),
        sa.Column("detail", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tendik_audit_at", "tendik_audit", ["at"])


def downgrade() -> None:
    for table in ("tendik_audit", "tendik_handoff_notes", "tendik_handoff_messages", "tendik_handoffs"):
        op.drop_table(table)  # their indexes go with them
