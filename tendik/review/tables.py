"""The review service's own tables, registered on :data:`tendik.common.db.metadata`.

Every per-conversation table has a ``sender_id`` column, so :func:`tendik.common.db.delete_user_data`
(the user's /delete) and the retention command erase a conversation everywhere.

* ``review_conversations``: one row per conversation (Rasa sender id), the index the list view
  filters and pages over; kept up to date from the tracker's ``events`` by :mod:`tendik.review.sync`.
* ``review_messages``: one row per user message with what the bot did with it (intent, confidence,
  action, answer source and knowledge ids); feeds the dashboard and the "unanswered" export.
* ``review_judgements``: an operator's verdict on one bot answer (who and when), with the reason
  code of a "wrong" verdict and the content-fix flag (and when the content owner marked it done).
* ``review_users`` / ``review_sessions``: operator accounts (with their interface language) and
  their server-side sessions.
* ``review_login_attempts``: failed-login counters and lock-outs per account and client, per
  client, and per account (keyed by a hash; no client address is stored).
* ``review_state``: sync watermarks.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Index, Integer, String, Table, Text, UniqueConstraint, false

from tendik.common.db import metadata

# ``review_messages.text`` of a message that answered the self-check's free-text question or a draft
# question (tendik.review.tracker.HIDDEN_REQUESTS): never indexed, previewed, searched or exported.
HIDDEN_TEXT = ""

conversations = Table(
    "review_conversations",
    metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("channel", String(32), nullable=False, default=""),
    Column("language", String(8), nullable=False, default=""),
    Column("first_ts", Float, nullable=False),
    Column("last_ts", Float, nullable=False),
    Column("day", String(10), nullable=False, default=""),  # UTC day of the first message, YYYY-MM-DD
    Column("n_user", Integer, nullable=False, default=0),
    Column("n_answers", Integer, nullable=False, default=0),  # legal answers (knowledge ids cited)
    Column("n_unanswered", Integer, nullable=False, default=0),  # "not sure" answers, no citation
    Column("intents", Text, nullable=False, default="|"),  # "|greet|ask_equal_pay|", for LIKE filters
    Column("min_confidence", Float, nullable=True),  # lowest NLU confidence of a typed message
    # NLU fallback, Rasa's default fallback, or a "not sure" answer (no knowledge could answer)
    Column("fallback", Boolean, nullable=False, default=False),
    Column("not_helpful", Boolean, nullable=False, default=False),
    Column("n_votes", Integer, nullable=False, default=0),
    Column("reviewed", Boolean, nullable=False, default=False),
    Column("n_judged", Integer, nullable=False, default=0),
    Column("preview", Text, nullable=False, default=""),  # first user message, redacted
    Column("search_text", Text, nullable=False, default=""),  # user messages, redacted + folded
    Column("last_msg_event_id", Integer, nullable=True),
    Column("last_event_id", Integer, nullable=False, default=0),
    Index("ix_review_conv_last", "last_ts", "sender_id"),
    Index("ix_review_conv_channel_last", "channel", "last_ts"),
    Index("ix_review_conv_language_last", "language", "last_ts"),
    Index("ix_review_conv_nothelpful_last", "not_helpful", "last_ts"),
    Index("ix_review_conv_fallback_last", "fallback", "last_ts"),
    Index("ix_review_conv_reviewed_last", "reviewed", "last_ts"),
    Index("ix_review_conv_day", "day", "language", "channel"),
)

messages = Table(
    "review_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(255), nullable=False),
    Column("event_id", Integer, nullable=False),  # the user event's id in Rasa's events table
    Column("ts", Float, nullable=False),
    Column("day", String(10), nullable=False),
    Column("language", String(8), nullable=False, default=""),
    Column("channel", String(32), nullable=False, default=""),
    Column("text", Text, nullable=False, default=""),  # redacted; HIDDEN_TEXT for a hidden answer
    Column("intent", String(128), nullable=True),
    Column("confidence", Float, nullable=True),
    Column("action", String(128), nullable=True),
    Column("answer_id", String(64), nullable=True),
    Column("source", String(16), nullable=True),  # intent | retrieval | none
    Column("knowledge_ids", Text, nullable=True),  # JSON list
    Column("answered", Boolean, nullable=True),  # True: cited knowledge; False: "not sure"; None: no legal answer
    UniqueConstraint("sender_id", "event_id", name="uq_review_messages_event"),
    Index("ix_review_messages_day", "day", "intent", "answered"),  # covers the dashboard's group-bys
    Index("ix_review_messages_intent", "intent"),
)

judgements = Table(
    "review_judgements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(255), nullable=False),
    Column("turn_event_id", Integer, nullable=False),  # the user message the answer replied to
    Column("answer_id", String(64), nullable=True),
    Column("verdict", String(16), nullable=False),  # correct | wrong
    Column("right_intent", String(128), nullable=True),
    Column("right_knowledge_ids", Text, nullable=True),  # JSON list
    Column("comment", Text, nullable=True),  # redacted
    Column("reviewer", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    # why a "wrong" answer is wrong (tendik.review.judgements.REASONS); None for "correct"
    Column("reason", String(32), nullable=True),
    # the answer needs a fix of the content (harmful, outdated...): on the admins' "content fixes" list
    Column("content_fix", Boolean, nullable=False, default=False, server_default=false()),
    Column("content_fixed_at", Float, nullable=True),  # the content owner marked it done
    Column("content_fixed_by", String(64), nullable=True),
    UniqueConstraint("sender_id", "turn_event_id", name="uq_review_judgements_turn"),
    Index("ix_review_judgements_content_fix", "content_fix", "updated_at"),
)

users = Table(
    "review_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),  # reviewer | admin
    Column("language", String(8), nullable=False, default="en", server_default="en"),  # interface: kk | ru | en
    Column("disabled", Boolean, nullable=False, default=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", Float, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("last_login", Float, nullable=True),
)

sessions = Table(
    "review_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # HMAC of the cookie value, never the value
    Column("user_id", Integer, nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
)

login_attempts = Table(
    "review_login_attempts",
    metadata,
    Column("key", String(64), primary_key=True),  # sha256 of scope, user name and client address
    Column("scope", String(16), nullable=False),  # account-client | client | account
    Column("username", String(64), nullable=True),  # only for existing accounts (the admin page shows their locks)
    Column("failures", Integer, nullable=False, default=0),
    Column("locked_until", Float, nullable=True),
    Column("updated_at", Float, nullable=False),
    Index("ix_review_login_attempts_username", "username"),
)

state = Table(
    "review_state",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Float, nullable=False),
)
