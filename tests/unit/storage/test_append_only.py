"""Decisions and the audit log are append-only: no repository call updates or deletes them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from mast_intake.models.rows import AuditLog, Decision
from mast_intake.ports.errors import DecisionNotAllowed
from mast_intake.storage.unit_of_work import SqlUnitOfWork
from tests.storage_contract import add_submission, decide

_CHANGE = re.compile(r"^\s*(UPDATE|DELETE\s+FROM)\s+\"?(decision|audit_log)\b", re.IGNORECASE)


@pytest.fixture
def forbid_changes(sqlite_engine: Engine) -> Iterator[list[str]]:
    """Fail on any ORM update/delete of those rows, or any UPDATE/DELETE statement on the tables."""
    seen: list[str] = []

    def on_orm_change(event: str) -> Callable[..., None]:
        def listener(_mapper: object, _connection: object, target: object) -> None:
            seen.append(f"{event} {type(target).__name__}")
            raise AssertionError(f"{event} of an append-only row")

        return listener

    def on_statement(_conn, _cursor, statement: str, *_args: object) -> None:
        if _CHANGE.match(statement):
            seen.append(statement)
            raise AssertionError("UPDATE or DELETE on an append-only table")

    listeners = [
        (table, event, on_orm_change(event))
        for table in (Decision, AuditLog)
        for event in ("before_update", "before_delete")
    ]
    for target, event, listener in listeners:
        sa.event.listen(target, event, listener)
    sa.event.listen(sqlite_engine, "before_cursor_execute", on_statement)
    yield seen
    for target, event, listener in listeners:
        sa.event.remove(target, event, listener)
    sa.event.remove(sqlite_engine, "before_cursor_execute", on_statement)


def test_no_repository_call_updates_or_deletes_decisions_or_audit(
    forbid_changes: list[str], sql_uow: Callable[[], SqlUnitOfWork]
) -> None:
    with sql_uow() as uow:
        child = uow.children.find_or_create_child("Eve Imaginary", date(2012, 2, 2))
        entry = uow.agenda.enqueue(add_submission(uow, child_id=child.id), False, False)
        uow.agenda.place_on_meeting([entry], date(2026, 3, 2))
        first = decide(uow, entry)
        uow.audit.append("chair@example.invalid", "decided", "agenda_entry", entry.id)
        uow.commit()
    with sql_uow() as uow:
        with pytest.raises(DecisionNotAllowed):
            decide(uow, entry.id)
        correction = decide(uow, entry.id, level="high", corrects_decision_id=first.id)
        uow.audit.append("chair@example.invalid", "decided", "decision", correction.id)
        uow.commit()
    with sql_uow() as uow:
        assert uow.decisions.latest_for_entry(entry.id).id == correction.id
        assert len(uow.decisions.for_child(child.id)) == 2
        assert uow.decisions.recommendations(uow.decisions.get(first.id))
        assert len(uow.audit.list(actor="chair@example.invalid")) == 2
        uow.commit()
    assert forbid_changes == []


def test_the_listener_would_catch_a_change(
    forbid_changes: list[str], sql_uow: Callable[[], SqlUnitOfWork]
) -> None:
    with sql_uow() as uow:
        row = uow.audit.append("system", "processed", "message", 1)
        uow.commit()
        row.detail = "changed"
        uow.session.add(row)
        with pytest.raises(AssertionError):
            uow.commit()
    assert forbid_changes == ["before_update AuditLog"]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE decision SET level = 'low'",
        "UPDATE audit_log SET detail = 'x'",
        "DELETE FROM audit_log",
    ],
)
def test_the_database_refuses_changes_too(
    sqlite_engine: Engine, sql_uow: Callable[[], SqlUnitOfWork], statement: str
) -> None:
    with sql_uow() as uow:
        entry = uow.agenda.enqueue(add_submission(uow), False, False)
        uow.agenda.place_on_meeting([entry], date(2026, 3, 2))
        decide(uow, entry)
        uow.audit.append("system", "processed", "message", 1)
        uow.commit()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), sqlite_engine.begin() as connection:
        connection.exec_driver_sql(statement)


# Retention and erasure may delete decisions (a whole case at a time); nothing may change one,
# and nothing at all may change or delete an audit line.
_AUDIT_OR_DECISION_CHANGE = re.compile(
    r"^\s*(?:(?:UPDATE|DELETE\s+FROM)\s+\"?audit_log\b|UPDATE\s+\"?decision\b)", re.IGNORECASE
)


def test_data_protection_paths_never_change_audit_lines_or_edit_decisions(
    sqlite_engine: Engine, sql_uow: Callable[[], SqlUnitOfWork], clock, tmp_path
) -> None:
    from mast_intake.config.settings import Settings
    from mast_intake.protection.attachments import AttachmentStore
    from mast_intake.protection.crypto import AesGcmSealer, new_key, parse_keys
    from mast_intake.protection.keys import rotate_keys
    from mast_intake.protection.retention import purge
    from mast_intake.protection.subject_access import erase_child, export_child, load_attachment
    from mast_intake.storage import make_session_factory

    sealer = AesGcmSealer(parse_keys([new_key()]))
    factory = make_session_factory(sqlite_engine)
    sealed = lambda: SqlUnitOfWork(factory, sealer=sealer, clock=clock)  # noqa: E731
    store = AttachmentStore(tmp_path / "attachments", sealer)
    settings = Settings(data_dir=tmp_path / "data")
    settings.retention.record_days = 30
    with sealed() as uow:
        ids = []
        for n, name in enumerate(("Ivy Imaginary", "Jem Imaginary")):
            child = uow.children.find_or_create_child(name, date(2012, 2, 2))
            submission = add_submission(uow, message_id=f"<{n}@x.invalid>", sha256=str(n) * 64,
                                        child_id=child.id)
            entry = uow.agenda.enqueue(submission, False, False)
            uow.agenda.place_on_meeting([entry], date(2026, 3, 2))
            decide(uow, entry)
            ids.append((child.id, submission.id))
        uow.commit()
    for n, (_, submission_id) in enumerate(ids):
        store.put(submission_id, str(n) * 64, b"tool")

    seen: list[str] = []

    def on_statement(_conn, _cursor, statement: str, *_args: object) -> None:
        if _AUDIT_OR_DECISION_CHANGE.match(statement):
            seen.append(statement)

    sa.event.listen(sqlite_engine, "before_cursor_execute", on_statement)
    try:
        load_attachment(sealed, store, ids[0][1], "chair@example.invalid")
        export_child(sealed, store, ids[0][0], "sar@example.invalid")
        rotate_keys(sealed, sealer, store, "dpo@example.invalid")
        erase_child(sealed, store, settings, ids[0][0], "dpo@example.invalid")
        clock.advance(days=400)
        purge(sealed, settings, store, clock())
    finally:
        sa.event.remove(sqlite_engine, "before_cursor_execute", on_statement)
    assert seen == []
    with sealed() as uow:
        actions = [row.action for row in uow.audit.list()]
    # Newest first: the purge (the other child, and that child's attachment), then the rest.
    assert actions[:2] == ["purged", "purged"]
    assert actions[2:6] == ["erased", "rekeyed", "exported", "viewed"]
