"""Baseline: the project's twelve tables as at commit fb2c096.

Exactly as ``metadata.create_all`` made them at commit fb2c096 (before the security work): votes,
the Telegram bot's five tables and the review app's six.

Revision ID: 0001_baseline
Revises: (none)

Existing installations already have these tables (made by ``create_all``, no version table):
:func:`tendik.db.migrate.upgrade` recognises them and records this revision without touching them.
Downgrade drops these tables and nothing else (never Rasa's ``events``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ---------------------------------------------------------------- votes (tendik.common.feedback)
    op.create_table(
        "tendik_feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("answer_id", sa.String(64), nullable=False),
        sa.Column("vote", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tendik_feedback_sender_id", "tendik_feedback", ["sender_id"])
    op.create_index("ix_tendik_feedback_answer_id", "tendik_feedback", ["answer_id"])

    # ---------------------------------------------------------------- Telegram (tendik.telegram.storage)
    op.create_table(
        "tendik_tg_users",
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("pending_comment", sa.String(64), nullable=True),
        sa.Column("pending_since", sa.Float(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("sender_id"),
    )
    op.create_table(
        "tendik_tg_subscriptions",
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("subscribed_at", sa.Float(), nullable=False),
        sa.Column("blocked_at", sa.Float(), nullable=True),
        sa.Column("last_card", sa.String(64), nullable=True),
        sa.Column("seen_cards", sa.Text(), nullable=False),
        sa.Column("cards_sent", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sender_id"),
    )
    op.create_table(
        "tendik_tg_broadcasts",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("topic", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_until", sa.Float(), nullable=True),
        sa.Column("finished_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "tendik_tg_deliveries",
        sa.Column("broadcast_id", sa.String(32), nullable=False),
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("card_id", sa.String(64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(64), nullable=True),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("broadcast_id", "sender_id"),
    )
    op.create_index("ix_tendik_tg_deliveries_state", "tendik_tg_deliveries", ["broadcast_id", "state"])
    op.create_table(
        "tendik_tg_meta",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )

    # ---------------------------------------------------------------- review app (tendik.review.tables)
    op.create_table(
        "review_conversations",
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("first_ts", sa.Float(), nullable=False),
        sa.Column("last_ts", sa.Float(), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("n_user", sa.Integer(), nullable=False),
        sa.Column("n_answers", sa.Integer(), nullable=False),
        sa.Column("n_unanswered", sa.Integer(), nullable=False),
        sa.Column("intents", sa.Text(), nullable=False),
        sa.Column("min_confidence", sa.Float(), nullable=True),
        sa.Column("fallback", sa.Boolean(), nullable=False),
        sa.Column("not_helpful", sa.Boolean(), nullable=False),
        sa.Column("n_votes", sa.Integer(), nullable=False),
        sa.Column("reviewed", sa.Boolean(), nullable=False),
        sa.Column("n_judged", sa.Integer(), nullable=False),
        sa.Column("preview", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("last_msg_event_id", sa.Integer(), nullable=True),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sender_id"),
    )
    for name, columns in (
        ("ix_review_conv_last", ["last_ts", "sender_id"]),
        ("ix_review_conv_channel_last", ["channel", "last_ts"]),
        ("ix_review_conv_language_last", ["language", "last_ts"]),
        ("ix_review_conv_nothelpful_last", ["not_helpful", "last_ts"]),
        ("ix_review_conv_fallback_last", ["fallback", "last_ts"]),
        ("ix_review_conv_reviewed_last", ["reviewed", "last_ts"]),
        ("ix_review_conv_day", ["day", "language", "channel"]),
    ):
        op.create_index(name, "review_conversations", columns)

    op.create_table(
        "review_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("ts", sa.Float(), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("intent", sa.String(128), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("action", sa.String(128), nullable=True),
        sa.Column("answer_id", sa.String(64), nullable=True),
        sa.Column("source", sa.String(16), nullable=True),
        sa.Column("knowledge_ids", sa.Text(), nullable=True),
        sa.Column("answered", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sender_id", "event_id", name="uq_review_messages_event"),
    )
    op.create_index("ix_review_messages_day", "review_messages", ["day", "intent", "answered"])
    op.create_index("ix_review_messages_intent", "review_messages", ["intent"])

    op.create_table(
        "review_judgements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("turn_event_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.String(64), nullable=True),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("right_intent", sa.String(128), nullable=True),
        sa.Column("right_knowledge_ids", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sender_id", "turn_event_id", name="uq_review_judgements_turn"),
    )
    op.create_table(
        "review_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.Float(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("last_login", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),  # unnamed, as create_all made it (PostgreSQL: review_users_username_key)
    )
    op.create_table(
        "review_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_review_sessions_user_id", "review_sessions", ["user_id"])
    op.create_table(
        "review_state",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    # Indexes go with their tables.
    for table in (
        "review_state",
        "review_sessions",
        "review_users",
        "review_judgements",
        "review_messages",
        "review_conversations",
        "tendik_tg_meta",
        "tendik_tg_deliveries",
        "tendik_tg_broadcasts",
        "tendik_tg_subscriptions",
        "tendik_tg_users",
        "tendik_feedback",
    ):
        op.drop_table(table)
