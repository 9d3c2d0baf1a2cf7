"""Keyed text fingerprints of parsed tools, for the checks against other children's tools, and
the facts the partnership report keeps from each sealed record.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-03

Written out by hand (not imported from models/rows) so that it keeps describing this revision when
the models move on; tests/integration/test_storage_sqlite.py checks it still matches them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "text_fingerprint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_text_fingerprint"),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"],
                                name="fk_text_fingerprint_submission_id_submission", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"],
                                name="fk_text_fingerprint_child_id_child", ondelete="CASCADE"),
        sa.UniqueConstraint("submission_id", "digest", name="uq_text_fingerprint_submission_id_digest"),
    )
    op.create_index("ix_text_fingerprint_digest", "text_fingerprint", ["digest"])
    op.create_table(
        "tool_fact",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("sex", sa.String(16), nullable=False),
        sa.Column("codes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("submission_id", name="pk_tool_fact"),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"],
                                name="fk_tool_fact_submission_id_submission", ondelete="CASCADE"),
    )


def downgrade() -> None:
    op.drop_table("tool_fact")
    op.drop_index("ix_text_fingerprint_digest", table_name="text_fingerprint")
    op.drop_table("text_fingerprint")
