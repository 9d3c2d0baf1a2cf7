"""Initial schema: mail, submissions, children, agenda, decisions, outbox, audit, polls, meetings.

Revision ID: 0001
Revises:
Create Date: 2026-11-29

Written out by hand (not imported from models/rows) so that it keeps describing this revision when
the models move on; tests/integration/test_storage_sqlite.py checks it still matches them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _one_of(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=name)


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=f"pk_{table}")


# decision and audit_log are append-only. UPDATE is refused on both; DELETE on audit_log only,
# because a retention purge of a child's records will have to remove their decisions one day.
_SQLITE_TRIGGERS = [
    ("decision_no_update", "BEFORE UPDATE ON decision"),
    ("audit_log_no_update", "BEFORE UPDATE ON audit_log"),
    ("audit_log_no_delete", "BEFORE DELETE ON audit_log"),
]
_POSTGRES_TRIGGERS = [
    ("decision_no_update", "BEFORE UPDATE ON decision FOR EACH ROW"),
    ("audit_log_no_update", "BEFORE UPDATE ON audit_log FOR EACH ROW"),
    ("audit_log_no_delete", "BEFORE DELETE ON audit_log FOR EACH ROW"),
    ("audit_log_no_truncate", "BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT"),
]


def _create_append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name, when in _SQLITE_TRIGGERS:
            op.execute(
                f"CREATE TRIGGER {name} {when} "
                "BEGIN SELECT RAISE(ABORT, 'append-only table: rows cannot be changed'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION mast_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'append-only table %: rows cannot be changed', TG_TABLE_NAME; "
            "END $$"
        )
        for name, when in _POSTGRES_TRIGGERS:
            op.execute(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION mast_refuse_change()")


def _drop_append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name, _ in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        for name, when in _POSTGRES_TRIGGERS:
            table = when.split(" ON ")[1].split()[0]
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS mast_refuse_change()")


def upgrade() -> None:
    op.create_table(
        "processed_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mailbox_key", sa.String(1024), nullable=False),
        sa.Column("message_id", sa.String(998), nullable=False),
        sa.Column("sender", sa.String(320), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error_kind", sa.String(128), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("claimed_by", sa.String(128), nullable=True),
        sa.Column("claimed_until", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("moved_at", TS, nullable=True),
        _pk("processed_mail"),
        sa.UniqueConstraint("message_id", name="uq_processed_mail_message_id"),
        _one_of("state", ("claimed", "processed", "quarantined", "failed"), "ck_processed_mail_state"),
    )
    op.create_index("ix_processed_mail_state_claimed_until", "processed_mail", ["state", "claimed_until"])
    op.create_index("ix_processed_mail_state_moved_at", "processed_mail", ["state", "moved_at"])

    op.create_table(
        "child",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_key", sa.String(512), nullable=False),
        sa.Column("dob", sa.Date(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        _pk("child"),
        sa.UniqueConstraint("name_key", "dob", name="uq_child_name_key_dob"),
    )

    op.create_table(
        "child_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("alias_key", sa.String(512), nullable=False),
        sa.Column("alias", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _pk("child_alias"),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name="fk_child_alias_child_id_child", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("child_id", "alias_key", name="uq_child_alias_child_id_alias_key"),
    )
    op.create_index("ix_child_alias_alias_key", "child_alias", ["alias_key"])

    op.create_table(
        "submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(998), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("sender", sa.String(320), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(64), nullable=True),
        sa.Column("record_json", sa.Text(), nullable=True),
        sa.Column("findings_json", sa.Text(), nullable=True),
        sa.Column("child_id", sa.Integer(), nullable=True),
        sa.Column("assessment_date", sa.Date(), nullable=True),
        sa.Column("stated_total", sa.Integer(), nullable=True),
        sa.Column("stated_category", sa.String(16), nullable=True),
        sa.Column("computed_total", sa.Integer(), nullable=True),
        sa.Column("computed_category", sa.String(16), nullable=True),
        sa.Column("replaces_submission_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        _pk("submission"),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], name="fk_submission_child_id_child"),
        sa.ForeignKeyConstraint(
            ["replaces_submission_id"],
            ["submission.id"],
            name="fk_submission_replaces_submission_id_submission",
        ),
        sa.UniqueConstraint("message_id", "sha256", name="uq_submission_message_id_sha256"),
        _one_of("status", ("parsed", "rejected"), "ck_submission_status"),
    )
    op.create_index("ix_submission_child_id_assessment_date", "submission", ["child_id", "assessment_date"])

    op.create_table(
        "agenda_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("queued_at", TS, nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("is_review", sa.Boolean(), nullable=False),
        sa.Column("needs_correction", sa.Boolean(), nullable=False),
        sa.Column("deferrals", sa.Integer(), nullable=False),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        _pk("agenda_entry"),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], name="fk_agenda_entry_submission_id_submission"
        ),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], name="fk_agenda_entry_child_id_child"),
        sa.ForeignKeyConstraint(
            ["replaced_by_id"], ["agenda_entry.id"], name="fk_agenda_entry_replaced_by_id_agenda_entry"
        ),
        sa.UniqueConstraint("submission_id", name="uq_agenda_entry_submission_id"),
        _one_of("state", ("queued", "on_agenda", "decided", "deferred", "replaced"), "ck_agenda_entry_state"),
    )
    op.create_index("ix_agenda_entry_state_queued_at", "agenda_entry", ["state", "queued_at"])
    op.create_index("ix_agenda_entry_meeting_date", "agenda_entry", ["meeting_date"])
    op.create_index("ix_agenda_entry_child_id_state", "agenda_entry", ["child_id", "state"])

    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_entry_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("case_status", sa.String(16), nullable=False),
        sa.Column("recommendations", sa.Text(), nullable=False),
        sa.Column("actions_json", sa.Text(), nullable=False),
        sa.Column("tier1", sa.Boolean(), nullable=False),
        sa.Column("nrm", sa.String(16), nullable=False),
        sa.Column("next_review_date", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(320), nullable=False),
        sa.Column("decided_at", TS, nullable=False),
        sa.Column("corrects_decision_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        _pk("decision"),
        sa.ForeignKeyConstraint(
            ["agenda_entry_id"], ["agenda_entry.id"], name="fk_decision_agenda_entry_id_agenda_entry"
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], name="fk_decision_submission_id_submission"
        ),
        sa.ForeignKeyConstraint(
            ["corrects_decision_id"], ["decision.id"], name="fk_decision_corrects_decision_id_decision"
        ),
        _one_of("level", ("low", "medium", "high"), "ck_decision_level"),
        _one_of("case_status", ("added", "removed", "unchanged"), "ck_decision_case_status"),
        _one_of("nrm", ("yes", "no", "considered"), "ck_decision_nrm"),
    )
    op.create_index("ix_decision_agenda_entry_id", "decision", ["agenda_entry_id"])
    op.create_index("ix_decision_submission_id", "decision", ["submission_id"])

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(998), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("mime", sa.LargeBinary(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error_kind", sa.String(128), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        _pk("outbox"),
        sa.UniqueConstraint("message_id", name="uq_outbox_message_id"),
        _one_of("state", ("pending", "sent", "failed"), "ck_outbox_state"),
    )
    op.create_index("ix_outbox_state_id", "outbox", ["state", "id"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("subject_type", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        _pk("audit_log"),
    )
    op.create_index("ix_audit_log_subject_type_subject_id", "audit_log", ["subject_type", "subject_id"])
    op.create_index("ix_audit_log_at", "audit_log", ["at"])

    op.create_table(
        "poll_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.String(128), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("error_kind", sa.String(128), nullable=True),
        _pk("poll_run"),
    )
    op.create_index("ix_poll_run_started_at", "poll_run", ["started_at"])

    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("agenda_sent_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        _pk("meeting"),
        sa.UniqueConstraint("meeting_date", name="uq_meeting_meeting_date"),
    )

    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    for table in (
        "meeting",
        "poll_run",
        "audit_log",
        "outbox",
        "decision",
        "agenda_entry",
        "submission",
        "child_alias",
        "child",
        "processed_mail",
    ):
        op.drop_table(table)
