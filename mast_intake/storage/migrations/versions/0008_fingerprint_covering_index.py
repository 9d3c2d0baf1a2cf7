"""The fingerprint index covers what the cross-tool check reads (digest, child, tool), so the
matches come from the index alone instead of one table row per stored tool.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

Written out by hand, as 0007 is; tests/integration/test_storage_sqlite.py checks the models match.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_COVERING = ["digest", "child_id", "submission_id"]


def upgrade() -> None:
    op.create_index("ix_text_fingerprint_digest_child", "text_fingerprint", _COVERING)
    # Its first column is the new index's first column: the new one serves every lookup it did.
    op.drop_index("ix_text_fingerprint_digest", table_name="text_fingerprint")


def downgrade() -> None:
    op.create_index("ix_text_fingerprint_digest", "text_fingerprint", ["digest"])
    op.drop_index("ix_text_fingerprint_digest_child", table_name="text_fingerprint")
