"""The rows the service keeps about itself: audit, poll runs, meetings, users, sessions, facts."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field

from mast_intake.models.rows.base import (
    ADDRESS,
    SHORT,
    USER_ROLES,
    StorageModel,
    UtcDateTime,
    created,
    one_of,
)


class AuditLog(StorageModel, table=True):
    """Who did what to which record. Append-only, and never holds anything about a child."""

    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_subject_type_subject_id", "subject_type", "subject_id"),
        sa.Index("ix_audit_log_at", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = created()
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
    started_at: datetime = created()
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    counts: dict[str, int] = Field(default_factory=dict, sa_type=sa.JSON, nullable=False)
    error_kind: str | None = Field(default=None, sa_type=sa.String(128))


class Meeting(StorageModel, table=True):
    """A MAST meeting day; agenda_sent_at makes sure its agenda goes out once."""

    __tablename__ = "meeting"

    id: int | None = Field(default=None, primary_key=True)
    meeting_date: date = Field(nullable=False, unique=True)
    agenda_sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = created()


class WebUser(StorageModel, table=True):
    """A person who may sign in to the web console, with their role and argon2 password hash.

    Holds nothing about a child. ``password_hash`` is empty for an account that signs in only
    through the council's single sign-on (trusted-header mode), so no password can open it.
    """

    __tablename__ = "web_user"
    __table_args__ = (one_of("role", USER_ROLES, "role"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_type=ADDRESS, nullable=False, unique=True)
    display_name: str = Field(default="", sa_type=sa.String(200), nullable=False)
    role: str = Field(sa_type=sa.String(16), nullable=False)
    password_hash: str = Field(default="", sa_type=sa.String(512), nullable=False)
    active: bool = Field(default=True, nullable=False)
    created_at: datetime = created()
    updated_at: datetime = created()
    last_login_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class TextFingerprint(StorageModel, table=True):
    """One keyed hash of a run of words in a parsed tool's rationales or summary.

    Lets a later tool be compared with every earlier one (``validation/history.py``) without
    keeping any more text: the HMAC gives back no words. Goes with its submission and child.
    """

    __tablename__ = "text_fingerprint"
    __table_args__ = (
        sa.UniqueConstraint("submission_id", "digest"),
        # Covers the cross-tool check's reads: matches come from the index alone.
        sa.Index("ix_text_fingerprint_digest_child", "digest", "child_id", "submission_id"),
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
    created_at: datetime = created()
    last_seen_at: datetime = created()


class SignInThrottle(StorageModel, table=True):
    """Failed sign-ins counted per account or per client address, and the lock they lead to.

    ``key`` is ``account:<user id>`` or ``address:<client address>``: never a typed user name, so
    guesses at names add no rows and no personal data.
    """

    __tablename__ = "sign_in_throttle"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=sa.String(128), nullable=False, unique=True)
    failures: int = Field(default=0, nullable=False)
    last_failure_at: datetime = created()
    locked_until: datetime | None = Field(default=None, sa_type=UtcDateTime)
