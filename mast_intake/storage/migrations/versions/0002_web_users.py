"""Web console accounts: who may sign in, with which role and password hash.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Written out by hand (not imported from models/rows) so that it keeps describing this revision when
the models move on; tests/integration/test_storage_sqlite.py checks it still matches them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "web_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(320), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(512), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("last_login_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_web_user"),
        sa.UniqueConstraint("username", name="uq_web_user_username"),
        sa.CheckConstraint("role IN ('member', 'coordinator', 'admin')", name="ck_web_user_role"),
    )


def downgrade() -> None:
    op.drop_table("web_user")
