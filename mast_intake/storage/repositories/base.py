"""What every SQL repository shares: its session, sealer and clock, and a few SQL helpers."""

from __future__ import annotations

import re
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

from mast_intake.models.rows import utc_now
from mast_intake.ports.clock import Clock
from mast_intake.ports.sealing import PlainText, Sealer

# An exception class name, possibly dotted: nothing that could carry the words of a message.
_ERROR_KIND = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,127}")


def check_error_kind(error_kind: str) -> str:
    """``error_kind`` if it looks like an exception class name; ValueError otherwise."""
    if not _ERROR_KIND.fullmatch(error_kind):
        raise ValueError("error_kind must be an exception class name, not a message")
    return error_kind


def table_of(model: type[SQLModel]) -> sa.Table:
    """The table behind a row class."""
    # SQLModel makes a table model's __table__ without declaring it on the class.
    return cast(sa.Table, model.__table__)  # type: ignore[attr-defined]


def rows_changed(result: sa.Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed."""
    # Session.execute is typed as returning a plain Result; a DML statement gives a CursorResult.
    return cast(sa.CursorResult[Any], result).rowcount or 0


def insert_for(session: Session, table: sa.Table) -> Any:
    """An INSERT that supports ON CONFLICT on this session's database."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no ON CONFLICT support for {dialect}")


class SqlRepository:
    """Base of the SQL repositories: works inside the unit of work's session, never commits."""

    def __init__(self, session: Session, sealer: Sealer | None = None, clock: Clock = utc_now) -> None:
        self.session = session
        self.sealer = sealer or PlainText()
        self.clock = clock

    def _locking(self, statement: Any) -> Any:
        # FOR UPDATE on PostgreSQL; SQLite ignores it and serialises writers with BEGIN IMMEDIATE.
        # populate_existing: a row already in the session must show what the lock now protects.
        return statement.with_for_update().execution_options(populate_existing=True)

