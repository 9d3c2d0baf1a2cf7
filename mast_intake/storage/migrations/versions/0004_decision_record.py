"""The complete decision record, and deferrals kept per meeting.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-03

Decisions gain the level's rationale, police systems updated (and by whom), the NRM referral
date, first responder or reason, disruption considered, the decider's role and a correction's
reason (free text sealed by the repositories like the other columns). The CSE case status gains
``closed_after_review`` and the NRM outcome the words ``referred``, ``not_referred`` and
``not_applicable``; older rows keep ``yes``, ``considered`` and ``no`` (decisions are never
updated), which the domain reads as the same outcomes. ``agenda_deferral`` records each carrying
over, so a deferred case stays listed on the meeting it was deferred from.

On SQLite the check constraints can only change by rebuilding the table; the rebuild drops the
append-only trigger with the old table, so it is created again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)

OLD_STATUSES = ("added", "removed", "unchanged")
NEW_STATUSES = (*OLD_STATUSES, "closed_after_review")
OLD_NRM = ("yes", "no", "considered")
NEW_NRM = ("referred", "not_referred", "not_applicable", *OLD_NRM)
TEXT_COLUMNS = ("level_rationale", "police_updated_by", "nrm_first_responder", "nrm_reason", "disruption",
                "correction_reason")


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


def _check(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(_in(column, values), name=name)


def _new_columns() -> list[sa.Column]:
    columns = [sa.Column(name, sa.Text(), nullable=False, server_default="") for name in TEXT_COLUMNS]
    return [
        *columns,
        sa.Column("police_systems_updated", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("nrm_referral_date", sa.Date(), nullable=True),
        sa.Column("decided_by_role", sa.String(64), nullable=False, server_default=""),
    ]


def _decision_table(new: bool) -> sa.Table:
    """The decision table as this revision (``new``) or the one before describes it."""
    statuses, nrm = (NEW_STATUSES, NEW_NRM) if new else (OLD_STATUSES, OLD_NRM)
    return sa.Table(
        "decision", sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_entry_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("case_status", sa.String(32 if new else 16), nullable=False),
        sa.Column("recommendations", sa.Text(), nullable=False),
        sa.Column("actions_json", sa.Text(), nullable=False),
        sa.Column("tier1", sa.Boolean(), nullable=False),
        sa.Column("nrm", sa.String(16), nullable=False),
        sa.Column("next_review_date", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(320), nullable=False),
        sa.Column("decided_at", TS, nullable=False),
        sa.Column("corrects_decision_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        *(_new_columns() if new else []),
        sa.PrimaryKeyConstraint("id", name="pk_decision"),
        sa.ForeignKeyConstraint(["agenda_entry_id"], ["agenda_entry.id"],
                                name="fk_decision_agenda_entry_id_agenda_entry"),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"],
                                name="fk_decision_submission_id_submission"),
        sa.ForeignKeyConstraint(["corrects_decision_id"], ["decision.id"],
                                name="fk_decision_corrects_decision_id_decision"),
        _check("level", ("low", "medium", "high"), "ck_decision_level"),
        _check("case_status", statuses, "ck_decision_case_status"),
        _check("nrm", nrm, "ck_decision_nrm"),
        sa.Index("ix_decision_agenda_entry_id", "agenda_entry_id"),
        sa.Index("ix_decision_submission_id", "submission_id"),
    )


def _sqlite_no_update_trigger() -> None:
    op.execute("DROP TRIGGER IF EXISTS decision_no_update")
    op.execute("CREATE TRIGGER decision_no_update BEFORE UPDATE ON decision "
               "BEGIN SELECT RAISE(ABORT, 'append-only table: rows cannot be changed'); END")


def _change_decision(new: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("decision", copy_from=_decision_table(not new), recreate="always") as batch:
            if new:
                for column in _new_columns():
                    batch.add_column(column)
                batch.alter_column("case_status", type_=sa.String(32))
            else:
                for column in _new_columns():
                    batch.drop_column(column.name)
                batch.alter_column("case_status", type_=sa.String(16))
            for name, checked, values in (("ck_decision_case_status", "case_status",
                                           NEW_STATUSES if new else OLD_STATUSES),
                                          ("ck_decision_nrm", "nrm", NEW_NRM if new else OLD_NRM)):
                batch.drop_constraint(op.f(name), type_="check")
                batch.create_check_constraint(op.f(name), sa.text(_in(checked, values)))
        _sqlite_no_update_trigger()
        return
    # PostgreSQL changes constraints and columns in place; adding columns is not an UPDATE.
    # Revision 0001 named these through the naming convention a second time
    # (ck_decision_ck_decision_nrm); whichever name is there goes, and the models' name comes back.
    for checked in ("case_status", "nrm"):
        for name in (f"ck_decision_{checked}", f"ck_decision_ck_decision_{checked}"):
            op.execute(f"ALTER TABLE decision DROP CONSTRAINT IF EXISTS {name}")
    if new:
        for column in _new_columns():
            op.add_column("decision", column)
        op.alter_column("decision", "case_status", type_=sa.String(32))
    else:
        for column in _new_columns():
            op.drop_column("decision", column.name)
        op.alter_column("decision", "case_status", type_=sa.String(16))
    statuses, nrm = (NEW_STATUSES, NEW_NRM) if new else (OLD_STATUSES, OLD_NRM)
    op.create_check_constraint(op.f("ck_decision_case_status"), "decision", _in("case_status", statuses))
    op.create_check_constraint(op.f("ck_decision_nrm"), "decision", _in("nrm", nrm))


def upgrade() -> None:
    _change_decision(new=True)
    op.create_table(
        "agenda_deferral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_entry_id", sa.Integer(), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("to_date", sa.Date(), nullable=False),
        sa.Column("deferred_by", sa.String(320), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_agenda_deferral"),
        sa.ForeignKeyConstraint(["agenda_entry_id"], ["agenda_entry.id"],
                                name="fk_agenda_deferral_agenda_entry_id_agenda_entry"),
    )
    op.create_index("ix_agenda_deferral_agenda_entry_id", "agenda_deferral", ["agenda_entry_id"])
    op.create_index("ix_agenda_deferral_from_date", "agenda_deferral", ["from_date"])


def downgrade() -> None:
    op.drop_table("agenda_deferral")
    _change_decision(new=False)
