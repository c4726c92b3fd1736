"""The handoff tables, registered on :data:`tendik.common.db.metadata` (made by migration 0004).
Per-user rows carry ``sender_id`` so ``delete_user_data`` erases them with the conversation; the
audit log names cases and operators only (no user text, no sender id).

- ``tendik_handoffs``: one case: the channel it came from (and the Telegram chat to answer in), the
  user's language, the status (waiting -> claimed -> closed; cancelled by the user), the consented
  summary (JSON, personal data redacted) and the contact only when the user agreed to share it.
- ``tendik_handoff_messages``: the thread: the user's messages (redacted), the operators' replies and
  system lines (claimed, closed), each operator/system line with its delivery time to the user.
- ``tendik_handoff_notes``: notes operators leave for each other (never shown to the user).
- ``tendik_audit``: who read, claimed, answered, noted or closed which case, and when.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Index, Integer, String, Table, Text

from tendik.common.db import metadata

handoffs = Table(
    "tendik_handoffs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("sender_id", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("chat_id", BigInteger, nullable=True),
    Column("language", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("summary", Text, nullable=False),
    Column("contact", String(200), nullable=True),
    Column("created_at", Float, nullable=False),
    Column("claimed_at", Float, nullable=True),
    Column("claimed_by", String(64), nullable=True),
    Column("closed_at", Float, nullable=True),
    Column("closed_by", String(64), nullable=True),
    Index("ix_tendik_handoffs_sender_id", "sender_id"),
    Index("ix_tendik_handoffs_status_created", "status", "created_at"),
)

messages = Table(
    "tendik_handoff_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("handoff_id", String(32), nullable=False),
    Column("sender_id", String(64), nullable=False),
    Column("author", String(16), nullable=False),  # user | operator | system
    Column("operator", String(64), nullable=True),
    Column("kind", String(16), nullable=False),  # text | claimed | closed | cancelled
    Column("text", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("delivered_at", Float, nullable=True),
    Index("ix_tendik_handoff_messages_handoff", "handoff_id", "id"),
    Index("ix_tendik_handoff_messages_undelivered", "delivered_at", "author"),
    Index("ix_tendik_handoff_messages_sender", "sender_id", "id"),
)

notes = Table(
    "tendik_handoff_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("handoff_id", String(32), nullable=False),
    Column("sender_id", String(64), nullable=False),
    Column("operator", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_tendik_handoff_notes_handoff", "handoff_id"),
)

audit = Table(
    "tendik_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(16), nullable=False),
    Column("handoff_id", String(32), nullable=True),
    Column("detail", String(200), nullable=True),
    Index("ix_tendik_audit_at", "at"),
)
