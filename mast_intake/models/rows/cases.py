"""The rows of a case's path: mail received, children, submissions, agenda, decisions, outbox."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field

from mast_intake.models.rows.base import (
    ADDRESS,
    AGENDA_STATES,
    CASE_STATUSES,
    LEVELS,
    MAIL_STATES,
    MESSAGE_ID,
    NRM_ANSWERS,
    OUTBOX_STATES,
    SHORT,
    SUBMISSION_STATUSES,
    StorageModel,
    UtcDateTime,
    created,
    one_of,
)


class ProcessedMail(StorageModel, table=True):
    """One mailbox message this service has claimed, and what became of it."""

    __tablename__ = "processed_mail"
    __table_args__ = (
        one_of("state", MAIL_STATES, "state"),
        # Reclaiming expired leases and failed rows, and finding rows still to be moved.
        sa.Index("ix_processed_mail_state_claimed_until", "state", "claimed_until"),
        sa.Index("ix_processed_mail_state_moved_at", "state", "moved_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mailbox_key: str = Field(sa_type=sa.String(1024), nullable=False)
    message_id: str = Field(sa_type=MESSAGE_ID, nullable=False, unique=True)
    sender: str = Field(sa_type=ADDRESS, nullable=False)
    received_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    state: str = Field(default="claimed", sa_type=sa.String(16), nullable=False)
    attempts: int = Field(default=0, nullable=False)
    last_error_kind: str | None = Field(default=None, sa_type=sa.String(128))
    outcome: str | None = Field(default=None, sa_type=sa.String(32))
    claimed_by: str | None = Field(default=None, sa_type=sa.String(128))
    claimed_until: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = created()
    updated_at: datetime = created()
    moved_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Child(StorageModel, table=True):
    """A child recognised across submissions by normalised name and date of birth."""

    __tablename__ = "child"
    __table_args__ = (sa.UniqueConstraint("name_key", "dob"),)

    id: int | None = Field(default=None, primary_key=True)
    # name_key is the lookup form of the name (a keyed hash once encryption is added).
    name_key: str = Field(sa_type=sa.String(512), nullable=False)
    dob: date = Field(nullable=False)
    display_name: str = Field(sa_type=sa.Text, nullable=False)
    created_at: datetime = created()
    updated_at: datetime = created()


class ChildAlias(StorageModel, table=True):
    """A name the child has been recorded under: each spelling, alias and "known as" seen."""

    __tablename__ = "child_alias"
    __table_args__ = (
        sa.UniqueConstraint("child_id", "alias_key"),
        sa.Index("ix_child_alias_alias_key", "alias_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", nullable=False, ondelete="CASCADE")
    alias_key: str = Field(sa_type=sa.String(512), nullable=False)
    alias: str = Field(sa_type=sa.Text, nullable=False)
    created_at: datetime = created()


class Submission(StorageModel, table=True):
    """One attachment read from one message: the parsed record or the reason it was rejected."""

    __tablename__ = "submission"
    __table_args__ = (
        sa.UniqueConstraint("message_id", "sha256"),
        one_of("status", SUBMISSION_STATUSES, "status"),
        # A child's history in assessment order.
        sa.Index("ix_submission_child_id_assessment_date", "child_id", "assessment_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(sa_type=MESSAGE_ID, nullable=False)
    sha256: str = Field(sa_type=SHORT, nullable=False)
    file_name: str = Field(sa_type=sa.Text, nullable=False)
    # Not constrained: a rejected attachment may be of a type the reader does not know.
    kind: str = Field(sa_type=sa.String(16), nullable=False)
    sender: str = Field(sa_type=ADDRESS, nullable=False)
    received_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    status: str = Field(sa_type=sa.String(16), nullable=False)
    reason: str | None = Field(default=None, sa_type=SHORT)
    record_json: str | None = Field(default=None, sa_type=sa.Text)
    findings_json: str | None = Field(default=None, sa_type=sa.Text)
    child_id: int | None = Field(default=None, foreign_key="child.id")
    assessment_date: date | None = None
    stated_total: int | None = None
    stated_category: str | None = Field(default=None, sa_type=sa.String(16))
    computed_total: int | None = None
    computed_category: str | None = Field(default=None, sa_type=sa.String(16))
    replaces_submission_id: int | None = Field(default=None, foreign_key="submission.id")
    created_at: datetime = created()


class AgendaEntry(StorageModel, table=True):
    """A submission waiting for, placed on, or dealt with by a MAST meeting."""

    __tablename__ = "agenda_entry"
    __table_args__ = (
        one_of("state", AGENDA_STATES, "state"),
        sa.Index("ix_agenda_entry_state_queued_at", "state", "queued_at"),
        sa.Index("ix_agenda_entry_meeting_date", "meeting_date"),
        sa.Index("ix_agenda_entry_child_id_state", "child_id", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", nullable=False, unique=True)
    # Copied from the submission so that replacement finds a child's open entry in one lookup.
    child_id: int | None = Field(default=None, foreign_key="child.id")
    state: str = Field(default="queued", sa_type=sa.String(16), nullable=False)
    # The place in the queue: when the tool arrived, kept by a replacement so it keeps its turn.
    queued_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    meeting_date: date | None = None
    is_review: bool = Field(default=False, nullable=False)
    needs_correction: bool = Field(default=False, nullable=False)
    deferrals: int = Field(default=0, nullable=False)
    replaced_by_id: int | None = Field(default=None, foreign_key="agenda_entry.id")
    created_at: datetime = created()
    updated_at: datetime = created()


class Decision(StorageModel, table=True):
    """What the meeting decided about an agenda entry. Append-only: corrections are new rows."""

    __tablename__ = "decision"
    __table_args__ = (
        one_of("level", LEVELS, "level"),
        one_of("case_status", CASE_STATUSES, "case_status"),
        one_of("nrm", NRM_ANSWERS, "nrm"),
        sa.Index("ix_decision_agenda_entry_id", "agenda_entry_id"),
        sa.Index("ix_decision_submission_id", "submission_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    agenda_entry_id: int = Field(foreign_key="agenda_entry.id", nullable=False)
    submission_id: int = Field(foreign_key="submission.id", nullable=False)
    level: str = Field(sa_type=sa.String(16), nullable=False)
    case_status: str = Field(sa_type=sa.String(32), nullable=False)
    recommendations: str = Field(default="", sa_type=sa.Text, nullable=False)
    actions_json: str = Field(default="[]", sa_type=sa.Text, nullable=False)
    tier1: bool = Field(default=False, nullable=False)
    nrm: str = Field(sa_type=sa.String(16), nullable=False)
    next_review_date: date | None = None
    decided_by: str = Field(sa_type=ADDRESS, nullable=False)
    decided_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    corrects_decision_id: int | None = Field(default=None, foreign_key="decision.id")
    created_at: datetime = created()
    # Revision 0004: the complete record. Free text is sealed like recommendations.
    level_rationale: str = Field(default="", sa_type=sa.Text, nullable=False)
    police_systems_updated: bool = Field(default=False, nullable=False)
    police_updated_by: str = Field(default="", sa_type=sa.Text, nullable=False)
    nrm_referral_date: date | None = None
    nrm_first_responder: str = Field(default="", sa_type=sa.Text, nullable=False)
    nrm_reason: str = Field(default="", sa_type=sa.Text, nullable=False)
    disruption: str = Field(default="", sa_type=sa.Text, nullable=False)
    decided_by_role: str = Field(default="", sa_type=sa.String(64), nullable=False)
    correction_reason: str = Field(default="", sa_type=sa.Text, nullable=False)


class AgendaDeferral(StorageModel, table=True):
    """One carrying-over of a case from the meeting it was on to the next meeting day."""

    __tablename__ = "agenda_deferral"
    __table_args__ = (
        sa.Index("ix_agenda_deferral_agenda_entry_id", "agenda_entry_id"),
        sa.Index("ix_agenda_deferral_from_date", "from_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    agenda_entry_id: int = Field(foreign_key="agenda_entry.id", nullable=False)
    from_date: date = Field(nullable=False)
    to_date: date = Field(nullable=False)
    deferred_by: str = Field(sa_type=ADDRESS, nullable=False)
    created_at: datetime = created()


class Outbox(StorageModel, table=True):
    """An email waiting to be sent, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        one_of("state", OUTBOX_STATES, "state"),
        sa.Index("ix_outbox_state_id", "state", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(sa_type=MESSAGE_ID, nullable=False, unique=True)
    # Checked by the repository rather than the database, so a new kind needs no migration.
    kind: str = Field(sa_type=sa.String(16), nullable=False)
    recipients: str = Field(sa_type=sa.Text, nullable=False)
    subject: str = Field(sa_type=sa.Text, nullable=False)
    mime: bytes = Field(sa_type=sa.LargeBinary, nullable=False)
    state: str = Field(default="pending", sa_type=sa.String(16), nullable=False)
    attempts: int = Field(default=0, nullable=False)
    last_error_kind: str | None = Field(default=None, sa_type=sa.String(128))
    created_at: datetime = created()
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
