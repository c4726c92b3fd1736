"""A user's "not helpful" vote may carry a reason (issue 14 item 7): tendik_feedback.reason, one of
the verdicts' reason codes (tendik.common.feedback.VOTE_REASONS); older votes have none.

Revision ID: 0006_vote_reason
Revises: 0005_review_language
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_vote_reason"
down_revision = "0005_review_language"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tendik_feedback") as batch:
        batch.add_column(sa.Column("reason", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tendik_feedback") as batch:
        batch.drop_column("reason")
