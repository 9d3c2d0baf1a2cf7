"""The SQL unit of work's own rules, beyond the shared contract."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from mast_intake.models.rows import Submission
from mast_intake.storage.unit_of_work import SqlUnitOfWork


def _submission(sha256: str = "a" * 64) -> Submission:
    return Submission(
        message_id="<m@x.invalid>",
        sha256=sha256,
        file_name="f.docx",
        kind="docx",
        sender="w@example.invalid",
        received_at=datetime(2026, 3, 2, 7, tzinfo=UTC),
        status="parsed",
    )


def test_database_itself_enforces_one_row_per_message_and_attachment(
    sql_uow: Callable[[], SqlUnitOfWork],
) -> None:
    with sql_uow() as uow:
        uow.session.add(_submission())
        uow.session.add(_submission("b" * 64))
        uow.commit()
        uow.session.add(_submission())
        with pytest.raises(sa.exc.IntegrityError, match="UNIQUE"):
            uow.commit()


def test_cannot_be_used_outside_or_entered_twice(sql_uow: Callable[[], SqlUnitOfWork]) -> None:
    uow = sql_uow()
    with pytest.raises(RuntimeError):
        uow.commit()
    with uow, pytest.raises(RuntimeError):
        uow.__enter__()
    with uow:  # usable again once closed
        assert uow.audit.list() == []


def test_session_is_closed_after_the_block(sql_uow: Callable[[], SqlUnitOfWork]) -> None:
    uow = sql_uow()
    with uow:
        session = uow.session
        uow.audit.append("system", "processed", "message", 1)
    assert uow.session is None and not session.in_transaction()
