"""The review app speaks the operators' language and keeps richer verdicts (issue 14 items 6, 7):
review_users.language (kk | ru | en, existing accounts keep English), review_judgements.reason
(why an answer is wrong), .content_fix (the answer goes on the content owner's list) and when / by
whom that fix was marked done.

Revision ID: 0005_review_language
Revises: 0004_handoff
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_review_language"
down_revision = "0004_handoff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review_users") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default="en"))
    with op.batch_alter_table("review_judgements") as batch:
        batch.add_column(sa.Column("reason", sa.String(32), nullable=True))
        batch.add_column(sa.Column("content_fix", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("content_fixed_at", sa.Float(), nullable=True))
        batch.add_column(sa.Column("content_fixed_by", sa.String(64), nullable=True))
        batch.create_index("ix_review_judgements_content_fix", ["content_fix", "updated_at"])


def downgrade() -> None:
    with op.batch_alter_table("review_judgements") as batch:
        batch.drop_index("ix_review_judgements_content_fix")
        batch.drop_column("content_fixed_by")
        batch.drop_column("content_fixed_at")
        batch.drop_column("content_fix")
        batch.drop_column("reason")
    with op.batch_alter_table("review_users") as batch:
        batch.drop_column("language")
