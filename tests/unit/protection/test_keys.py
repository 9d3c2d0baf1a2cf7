"""Start-up key checks and key rotation: nothing is touched when a key is missing or wrong."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from mast_intake.ports.sealing import PlainText
from mast_intake.protection.attachments import AttachmentStore
from mast_intake.protection.crypto import AesGcmSealer, EncryptionKeyError, parse_keys
from mast_intake.protection.keys import rotate_keys, verify_keys
from mast_intake.storage import make_session_factory
from mast_intake.storage.unit_of_work import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage_contract import add_submission, decide

NAME = "Ottilie Fictitia"
DATA = b"original tool about Ottilie Fictitia"
SHA = hashlib.sha256(DATA).hexdigest()


def _uow(engine: Engine, clock: FakeClock, sealer) -> Callable[[], SqlUnitOfWork]:
    factory = make_session_factory(engine)
    return lambda: SqlUnitOfWork(factory, sealer=sealer, clock=clock)


def _fill(new_uow: Callable[[], SqlUnitOfWork], store: AttachmentStore) -> tuple[int, int]:
    with new_uow() as uow:
        child = uow.children.find_or_create_child(NAME, date(2011, 5, 6), ["Tillie"])
        submission = add_submission(uow, child_id=child.id, sha256=SHA, file_name=f"{NAME}.docx")
        entry = uow.agenda.enqueue(submission, False, False)
        uow.agenda.place_on_meeting([entry], date(2026, 3, 2))
        first = decide(uow, entry, recommendations=f"{NAME} to be seen weekly.")
        decide(uow, entry.id, level="high", corrects_decision_id=first.id)
        uow.outbox.add("<o@x.invalid>", "case_note", ["w@example.invalid"], "Ref MAST-1", NAME.encode())
        uow.commit()
    store.put(submission.id, SHA, DATA)
    return child.id, submission.id


def _dump(engine: Engine) -> str:
    with engine.connect() as connection:
        return repr([list(connection.execute(sa.text(f"SELECT * FROM {t}")))
                     for t in ("child", "child_alias", "submission", "decision", "outbox")])


def _read_back(new_uow: Callable[[], SqlUnitOfWork], store: AttachmentStore, child_id: int,
               submission_id: int) -> None:
    with new_uow() as uow:
        assert uow.children.find("ottilie  FICTITIA", date(2011, 5, 6)).id == child_id
        assert uow.children.find("tillie", date(2011, 5, 6)).id == child_id
        assert uow.children.names(child_id) == [NAME, "Tillie"]
        submission = uow.submissions.get(submission_id)
        assert uow.submissions.file_name(submission) == f"{NAME}.docx"
        decisions = uow.decisions.for_child(child_id)
        assert [d.level for d in decisions] == ["medium", "high"]
        assert decisions[1].corrects_decision_id == decisions[0].id
        assert uow.decisions.recommendations(decisions[0]).startswith(NAME)
        assert uow.outbox.mime(uow.outbox.get(1)) == NAME.encode()
    assert store.get(submission_id, SHA) == DATA


def test_rotation_encrypts_a_plain_database_then_moves_to_a_new_key(
    sqlite_engine: Engine, clock: FakeClock, keys: list[str], tmp_path
) -> None:
    plain_store = AttachmentStore(tmp_path / "attachments")
    child_id, submission_id = _fill(_uow(sqlite_engine, clock, PlainText()), plain_store)
    assert NAME in _dump(sqlite_engine)

    first = AesGcmSealer(parse_keys(keys[1:]))
    with pytest.raises(EncryptionKeyError, match="rotate-key"):
        verify_keys(_uow(sqlite_engine, clock, first), first, AttachmentStore(plain_store.root, first))
    result = rotate_keys(_uow(sqlite_engine, clock, first), first, AttachmentStore(plain_store.root, first),
                         "dpo@example.invalid")
    assert result["rekeyed"]["decision"] == 2 and result["rekeyed"]["attachment_files"] == 1
    assert "Ottilie" not in _dump(sqlite_engine) and "ottilie" not in _dump(sqlite_engine)
    assert b"Ottilie" not in plain_store.path_for(submission_id, SHA).read_bytes()
    store = AttachmentStore(plain_store.root, first)
    verify_keys(_uow(sqlite_engine, clock, first), first, store)
    _read_back(_uow(sqlite_engine, clock, first), store, child_id, submission_id)

    ring = AesGcmSealer(parse_keys(keys))  # the new key first, the old one still listed
    rotate_keys(_uow(sqlite_engine, clock, ring), ring, AttachmentStore(plain_store.root, ring), "dpo")
    second = AesGcmSealer(parse_keys(keys[:1]))  # the old key removed after the rotation
    store = AttachmentStore(plain_store.root, second)
    verify_keys(_uow(sqlite_engine, clock, second), second, store)
    _read_back(_uow(sqlite_engine, clock, second), store, child_id, submission_id)
    with _uow(sqlite_engine, clock, second)() as uow:
        assert [row.action for row in uow.audit.list(action="rekeyed")] == ["rekeyed", "rekeyed"]


def test_a_wrong_or_missing_key_stops_everything_with_nothing_changed(
    sqlite_engine: Engine, clock: FakeClock, keys: list[str], sealer: AesGcmSealer, store: AttachmentStore
) -> None:
    _fill(_uow(sqlite_engine, clock, sealer), store)
    before, file_before = _dump(sqlite_engine), next(store.entries())[2].read_bytes()
    wrong = AesGcmSealer(parse_keys(keys[1:]))
    wrong_store = AttachmentStore(store.root, wrong)
    with pytest.raises(EncryptionKeyError, match="do not open"):
        verify_keys(_uow(sqlite_engine, clock, wrong), wrong, wrong_store)
    with pytest.raises(EncryptionKeyError, match="nothing was changed"):
        rotate_keys(_uow(sqlite_engine, clock, wrong), wrong, wrong_store, "dpo")
    with pytest.raises(EncryptionKeyError, match="no key is configured"):
        verify_keys(_uow(sqlite_engine, clock, PlainText()), PlainText(), AttachmentStore(store.root))
    assert _dump(sqlite_engine) == before
    assert next(store.entries())[2].read_bytes() == file_before


def test_a_wrong_key_on_the_attachments_alone_is_caught_before_the_database_changes(
    sqlite_engine: Engine, clock: FakeClock, keys: list[str], sealer: AesGcmSealer, store: AttachmentStore
) -> None:
    _fill(_uow(sqlite_engine, clock, sealer), store)
    AttachmentStore(store.root, AesGcmSealer(parse_keys(keys[1:]))).put(9, "c" * 64, b"other key")
    before = _dump(sqlite_engine)
    with pytest.raises(EncryptionKeyError, match="attachment"):
        rotate_keys(_uow(sqlite_engine, clock, sealer), sealer, store, "dpo")
    assert _dump(sqlite_engine) == before
