"""Review app: review_login_attempts.

The failed-login counters and lock-outs per account and client, per client and per account (the
security work after fb2c096: the lock-out counted atomically before the password check).

Revision ID: 0002_review_login_attempts
Revises: 0001_baseline
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_review_login_attempts"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_login_attempts",
        sa.Column("key", sa.String(64), nullable=False),  # sha256 of scope, user name and client address
        sa.Column("scope", sa.String(16), nullable=False),  # account-client | client | account
        sa.Column("username", sa.String(64), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.Float(), nullable=True),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_review_login_attempts_username", "review_login_attempts", ["username"])


def downgrade() -> None:
    op.drop_table("review_login_attempts")  # its index goes with it
