"""The database tables, as SQLModel classes on the storage package's own metadata.

Columns that can hold words about a child (file names, parsed records, findings, recommendations,
email subjects and bodies, names) are ``Text``/``LargeBinary`` and are only written and read by
the repositories, so that encryption at rest can be added there without touching these classes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from mast_intake.domain.enums import (
    LEGACY_NRM,
    AgendaState,
    CaseStatus,
    Level,
    MailState,
    NrmOutcome,
    OutboxState,
)

# Named constraints make PostgreSQL and SQLite agree on names, so migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

MAIL_STATES = MailState.values()
SUBMISSION_STATUSES = ("parsed", "rejected")
AGENDA_STATES = AgendaState.values()
LEVELS = Level.values()
CASE_STATUSES = CaseStatus.values()
# Rows from before revision 0004 keep their old codes (decisions are never updated).
NRM_ANSWERS = NrmOutcome.values() + tuple(LEGACY_NRM)
OUTBOX_KINDS = ("precheck", "rejection", "agenda", "case_note", "reminder", "alert")
OUTBOX_STATES = OutboxState.values()
USER_ROLES = ("member", "coordinator", "admin")

# RFC 5322 caps a header line at 998 characters, which bounds a Message-ID.
MESSAGE_ID = sa.String(998)
ADDRESS = sa.String(320)
SHORT = sa.String(64)


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def _one_of(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=name)


class UtcDateTime(sa.TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python, whatever the database keeps.

    SQLite has no time zones, so it stores naive UTC; PostgreSQL stores ``timestamptz``.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass a timezone-aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _created() -> Any:
    return Field(default_factory=utc_now, sa_type=UtcDateTime, nullable=False)


class StorageModel(SQLModel, registry=registry(metadata=metadata)):
    """Base of every table here: keeps them on this package's metadata, apart from anything else."""


class ProcessedMail(StorageModel, table=True):
    """One mailbox message this service has claimed, and what became of it."""

    __tablename__ = "processed_mail"
    __table_args__ = (
        _one_of("state", MAIL_STATES, "state"),
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
    created_at: datetime = _created()
    updated_at: datetime = _created()
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
    created_at: datetime = _created()
    updated_at: datetime = _created()


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
    created_at: datetime = _created()


class Submission(StorageModel, table=True):
    """One attachment read from one message: the parsed record or the reason it was rejected."""

    __tablename__ = "submission"
    __table_args__ = (
        sa.UniqueConstraint("message_id", "sha256"),
        _one_of("status", SUBMISSION_STATUSES, "status"),
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
    created_at: datetime = _created()


class AgendaEntry(StorageModel, table=True):
    """A submission waiting for, placed on, or dealt with by a MAST meeting."""

    __tablename__ = "agenda_entry"
    __table_args__ = (
        _one_of("state", AGENDA_STATES, "state"),
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
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Decision(StorageModel, table=True):
    """What the meeting decided about an agenda entry. Append-only: corrections are new rows."""

    __tablename__ = "decision"
    __table_args__ = (
        _one_of("level", LEVELS, "level"),
        _one_of("case_status", CASE_STATUSES, "case_status"),
        _one_of("nrm", NRM_ANSWERS, "nrm"),
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
    created_at: datetime = _created()
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
    created_at: datetime = _created()


class Outbox(StorageModel, table=True):
    """An email waiting to be sent, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        _one_of("state", OUTBOX_STATES, "state"),
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
    created_at: datetime = _created()
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class AuditLog(StorageModel, table=True):
    """Who did what to which record. Append-only, and never holds anything about a child."""

    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_subject_type_subject_id", "subject_type", "subject_id"),
        sa.Index("ix_audit_log_at", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _created()
    actor: str = Field(sa_type=ADDRESS, nullable=False)
    action: str = Field(sa_type=sa.String(32), nullable=False)
    subject_type: str = Field(sa_type=sa.String(32), nullable=False)
    subject_id: str = Field(sa_type=SHORT, nullable=False)
    detail: str = Field(default="", sa_type=sa.Text, nullable=False)


class PollRun(StorageModel, table=True):
    """One poll of the mailbox, with its counts, for `mast-intake status`."""

    __tablename__ = "poll_run"
    __table_args__ = (sa.Index("ix_poll_run_started_at", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    worker_id: str = Field(sa_type=sa.String(128), nullable=False)
    started_at: datetime = _created()
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    counts: dict[str, int] = Field(default_factory=dict, sa_type=sa.JSON, nullable=False)
    error_kind: str | None = Field(default=None, sa_type=sa.String(128))


class Meeting(StorageModel, table=True):
    """A MAST meeting day; agenda_sent_at makes sure its agenda goes out once."""

    __tablename__ = "meeting"

    id: int | None = Field(default=None, primary_key=True)
    meeting_date: date = Field(nullable=False, unique=True)
    agenda_sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = _created()


class WebUser(StorageModel, table=True):
    """A person who may sign in to the web console, with their role and argon2 password hash.

    Holds nothing about a child. ``password_hash`` is empty for an account that signs in only
    through the council's single sign-on (trusted-header mode), so no password can open it.
    """

    __tablename__ = "web_user"
    __table_args__ = (_one_of("role", USER_ROLES, "role"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_type=ADDRESS, nullable=False, unique=True)
    display_name: str = Field(default="", sa_type=sa.String(200), nullable=False)
    role: str = Field(sa_type=sa.String(16), nullable=False)
    password_hash: str = Field(default="", sa_type=sa.String(512), nullable=False)
    active: bool = Field(default=True, nullable=False)
    created_at: datetime = _created()
    updated_at: datetime = _created()
    last_login_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class TextFingerprint(StorageModel, table=True):
    """One keyed hash of a run of words in a parsed tool's rationales or summary.

    Lets a later tool be compared with every earlier one (``validation/history.py``) without
    keeping any more text: the HMAC gives back no words. Goes with its submission and child.
    """

    __tablename__ = "text_fingerprint"
    __table_args__ = (
        sa.UniqueConstraint("submission_id", "digest"),
        sa.Index("ix_text_fingerprint_digest", "digest"),
    )

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", nullable=False, ondelete="CASCADE")
    child_id: int = Field(foreign_key="child.id", nullable=False, ondelete="CASCADE")
    digest: str = Field(sa_type=sa.String(32), nullable=False)


class ToolFact(StorageModel, table=True):
    """What the partnership report reads from a sealed record, kept so it is opened only once.

    ``sex`` is one of the report's categories (female, male, other, not recorded), never the
    words written on the tool; ``codes`` are its findings' check codes, space-separated (codes
    only, never a finding's words). Goes with its submission.
    """

    __tablename__ = "tool_fact"

    submission_id: int = Field(foreign_key="submission.id", primary_key=True, ondelete="CASCADE")
    sex: str = Field(sa_type=sa.String(16), nullable=False)
    codes: str = Field(default="", sa_type=sa.Text, nullable=False)


class WebSession(StorageModel, table=True):
    """A signed-in console session, kept on the server so it can be ended from anywhere.

    The browser's cookie holds a random token; only its SHA-256 is stored here, so a copy of the
    table opens no session. Deleting the row ends the session at once (sign-out, password change,
    disabled account, an administrator's "sign out everywhere").
    """

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=sa.String(64), nullable=False, unique=True)
    user_id: int = Field(foreign_key="web_user.id", nullable=False, index=True, ondelete="CASCADE")
    created_at: datetime = _created()
    last_seen_at: datetime = _created()


class SignInThrottle(StorageModel, table=True):
    """Failed sign-ins counted per account or per client address, and the lock they lead to.

    ``key`` is ``account:<user id>`` or ``address:<client address>``: never a typed user name, so
    guesses at names add no rows and no personal data.
    """

    __tablename__ = "sign_in_throttle"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=sa.String(128), nullable=False, unique=True)
    failures: int = Field(default=0, nullable=False)
    last_failure_at: datetime = _created()
    locked_until: datetime | None = Field(default=None, sa_type=UtcDateTime)


# Tables whose rows are never changed once written; the database refuses it too (see migrations).
APPEND_ONLY = ("decision", "audit_log")
