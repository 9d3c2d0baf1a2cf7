"""Subject access export and erasure: everything about one child, and nothing about another."""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path

import pytest

from mast_intake.config.settings import Settings
from mast_intake.ports.errors import NotFound
from mast_intake.protection.attachments import AttachmentStore
from mast_intake.protection.subject_access import erase_child, export_child, find_child_id, load_attachment
from tests.storage_contract import add_submission, decide

from .conftest import NewUow

NAME, OTHER = "Fenella Imaginary", "Gus Imaginary"


def _setup(sealed_uow: NewUow, store: AttachmentStore) -> tuple[int, int, int]:
    with sealed_uow() as uow:
        child = uow.children.find_or_create_child(NAME, date(2012, 2, 2), ["Nell"])
        other = uow.children.find_or_create_child(OTHER, date(2012, 3, 3))
        mine = add_submission(uow, message_id="<a@x.invalid>", sha256="a" * 64, child_id=child.id)
        theirs = add_submission(uow, message_id="<b@x.invalid>", sha256="b" * 64, child_id=other.id)
        entry = uow.agenda.enqueue(mine, False, False)
        uow.agenda.enqueue(theirs, False, False)
        uow.agenda.place_on_meeting([entry], date(2026, 3, 2))
        decide(uow, entry, recommendations=f"{NAME} to be seen weekly.")
        uow.mail.claim("key-a", "<a@x.invalid>", "w@example.invalid", mine.received_at, "w", 60)
        uow.mail.mark_processed("<a@x.invalid>", "parsed")
        uow.commit()
    store.put(mine.id, "a" * 64, b"original of Fenella's tool")
    store.put(theirs.id, "b" * 64, b"original of Gus's tool")
    return child.id, other.id, mine.id


def test_export_holds_everything_about_the_child_and_is_audited(
    sealed_uow: NewUow, store: AttachmentStore
) -> None:
    child_id, _, mine = _setup(sealed_uow, store)
    with sealed_uow() as uow:
        assert find_child_id(uow, None, "nell", date(2012, 2, 2)) == child_id
        with pytest.raises(NotFound):
            find_child_id(uow, None, "Nobody", date(2012, 2, 2))
    export = export_child(sealed_uow, store, child_id, "sar@example.invalid")
    assert export["child"]["names"] == [NAME, "Nell"] and export["child"]["dob"] == "2012-02-02"
    [submission] = export["submissions"]
    assert submission["id"] == mine and submission["record"] == {"child": {"name": "Fictional Child"}}
    assert submission["decisions"][0]["notes"].startswith(NAME)
    assert base64.b64decode(submission["attachment"]["content_base64"]) == b"original of Fenella's tool"
    assert OTHER not in json.dumps(export)
    with sealed_uow() as uow:
        [line] = uow.audit.list(action="exported")
        assert (line.actor, line.subject_type, line.subject_id) == ("sar@example.invalid", "child",
                                                                    str(child_id))
        assert NAME not in line.detail


def test_erasure_removes_the_child_only_and_leaves_an_audit_line(
    sealed_uow: NewUow, store: AttachmentStore, tmp_path: Path
) -> None:
    child_id, other_id, mine = _setup(sealed_uow, store)
    settings = Settings(data_dir=tmp_path / "data")
    email = settings.maildir_path / ".Processed" / "cur" / "key-a:2,S"
    email.parent.mkdir(parents=True)
    email.write_text("the email that carried the tool")
    counts = erase_child(sealed_uow, store, settings, child_id, "dpo@example.invalid")
    assert counts == {"submissions": 1, "agenda_entries": 1, "decisions": 1, "names": 2, "children": 1,
                      "attachments": 1, "emails": 1}
    assert not email.exists() and not store.exists(mine, "a" * 64)
    with sealed_uow() as uow:
        assert uow.children.get(child_id) is None and uow.children.get(other_id) is not None
        assert len(uow.submissions.for_child(other_id)) == 1
        [line] = uow.audit.list(action="erased")
        assert line.actor == "dpo@example.invalid" and json.loads(line.detail) == counts
    assert store.exists(mine + 1, "b" * 64)


def test_load_attachment_is_audited_and_not_found_once_purged(
    sealed_uow: NewUow, store: AttachmentStore
) -> None:
    _, _, mine = _setup(sealed_uow, store)
    original = load_attachment(sealed_uow, store, mine, "chair@example.invalid")
    assert original.data == b"original of Fenella's tool" and original.file_name == "tool.docx"
    store.delete(mine, "a" * 64)
    with pytest.raises(NotFound):
        load_attachment(sealed_uow, store, mine, "chair@example.invalid")
    with sealed_uow() as uow:
        assert [(r.action, r.subject_id) for r in uow.audit.list(subject_type="attachment")] == [
            ("viewed", str(mine))]
