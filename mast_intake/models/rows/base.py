"""What every stored row shares: the metadata, the allowed values, the UTC timestamp type."""

from __future__ import annotations

from datetime import UTC, datetime
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


def one_of(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
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


def created() -> Any:
    return Field(default_factory=utc_now, sa_type=UtcDateTime, nullable=False)


class StorageModel(SQLModel, registry=registry(metadata=metadata)):
    """Base of every table here: keeps them on this package's metadata, apart from anything else."""


# Tables whose rows are never changed once written; the database refuses it too (see migrations).
APPEND_ONLY = ("decision", "audit_log")
