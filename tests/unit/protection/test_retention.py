"""Retention: what is due when, dry runs change nothing, and every removal is audited by id."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Engine

from mast_intake.config.settings import Settings
from mast_intake.protection.attachments import AttachmentStore
from mast_intake.protection.retention import purge
from tests.fakes import FakeClock
from tests.storage_contract import add_submission, decide

from .conftest import NewUow


def _settings(tmp_path: Path, **retention: int) -> Settings:
    settings = Settings(data_dir=tmp_path / "data")
    for key, value in retention.items():
        setattr(settings.retention, key, value)
    return settings


def _case(uow, name: str, sha: str, decided: bool) -> tuple[int, int]:
    child = uow.children.find_or_create_child(name, date(2011, 1, 1))
    submission = add_submission(uow, message_id=f"<{sha[:4]}@x.invalid>", sha256=sha, child_id=child.id)
    entry = uow.agenda.enqueue(submission, False, False)
    if decided:
        uow.agenda.place_on_meeting([entry], date(2026, 3, 2))
        decide(uow, entry)
    return child.id, submission.id


def test_attachments_go_after_the_decision_and_open_cases_keep_theirs(
    sealed_uow: NewUow, store: AttachmentStore, clock: FakeClock, tmp_path: Path
) -> None:
    with sealed_uow() as uow:
        _, decided = _case(uow, "Ada Fictional", "a" * 64, decided=True)
        _, waiting = _case(uow, "Bea Fictional", "b" * 64, decided=False)
        uow.commit()
    store.put(decided, "a" * 64, b"decided tool")
    store.put(waiting, "b" * 64, b"waiting tool")
    settings = _settings(tmp_path, attachment_days=90)

    clock.advance(days=89)
    assert purge(sealed_uow, settings, store, clock()).attachments == []
    clock.advance(days=2)
    dry = purge(sealed_uow, settings, store, clock(), dry_run=True)
    assert dry.attachments == [decided] and store.exists(decided, "a" * 64)
    with sealed_uow() as uow:
        assert uow.audit.list(action="purged") == []
    done = purge(sealed_uow, settings, store, clock())
    assert done.attachments == [decided]
    assert not store.exists(decided, "a" * 64) and store.exists(waiting, "b" * 64)
    with sealed_uow() as uow:
        lines = uow.audit.list(action="purged")
        assert [(r.subject_type, r.subject_id) for r in lines] == [("attachment", str(decided))]
        assert json.loads(lines[0].detail) == {"rule": "attachment_days", "days": 90}
        assert uow.submissions.get(decided) is not None  # the structured record stays
    assert purge(sealed_uow, settings, store, clock()).attachments == []  # nothing left to do


def test_records_go_after_inactivity_when_the_council_sets_a_period(
    sealed_uow: NewUow, store: AttachmentStore, clock: FakeClock, tmp_path: Path, sqlite_engine: Engine
) -> None:
    with sealed_uow() as uow:
        old_child, old_sub = _case(uow, "Cora Fictional", "c" * 64, decided=True)
        open_child, _ = _case(uow, "Dot Fictional", "d" * 64, decided=False)
        rejected = add_submission(uow, message_id="<r@x.invalid>", sha256="e" * 64, status="rejected",
                                  record=None, findings=None, reason="unreadable").id
        uow.commit()
    store.put(old_sub, "c" * 64, b"tool")
    clock.advance(days=400)
    assert purge(sealed_uow, _settings(tmp_path), store, clock()).children == []  # off by default
    report = purge(sealed_uow, _settings(tmp_path, record_days=365), store, clock())
    assert report.children == [old_child] and report.unlinked_submissions == [rejected]
    with sealed_uow() as uow:
        assert uow.children.get(old_child) is None and uow.children.get(open_child) is not None
        assert uow.submissions.get(old_sub) is None and uow.decisions.for_child(old_child) == []
        detail = json.loads(uow.audit.list(subject_type="child", subject_id=old_child)[0].detail)
        assert detail["decisions"] == 1 and detail["submissions"] == 1 and detail["rule"] == "record_days"
    assert not store.exists(old_sub, "c" * 64)
    with sqlite_engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM child")).scalar() == 1


def test_mail_goes_by_age_but_never_the_inbox_or_unsent_email(
    sealed_uow: NewUow, store: AttachmentStore, clock: FakeClock, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, mail_days=90)
    with sealed_uow() as uow:
        sent = uow.outbox.add("<s@x.invalid>", "precheck", ["w@example.invalid"], "s", b"mime")
        uow.outbox.mark_sent(sent.id)
        uow.outbox.add("<p@x.invalid>", "precheck", ["w@example.invalid"], "p", b"mime")
        uow.commit()
    clock.advance(days=91)
    # File ages are measured against the same clock as everything else.
    old = (clock() - timedelta(days=100)).timestamp()
    files = {}
    for where in ("mailbox/.Processed/cur", "mailbox/.Quarantine/cur", "outbox/new", "mailbox/new"):
        folder = settings.data_dir / where
        folder.mkdir(parents=True)
        files[where] = folder / "1.eml"
        files[where].write_text("old mail")
        os.utime(files[where], (old, old))
    fresh = settings.data_dir / "outbox/new/2.eml"
    fresh.write_text("new mail")
    os.utime(fresh, (clock().timestamp(), clock().timestamp()))
    report = purge(sealed_uow, settings, store, clock())
    assert report.outbox_rows == 1
    assert report.mail_files == {"processed/cur": 1, "quarantine/cur": 1, "outbox/new": 1}
    assert files["mailbox/new"].exists() and fresh.exists()
    assert not files["mailbox/.Processed/cur"].exists() and not files["outbox/new"].exists()
    with sealed_uow() as uow:
        assert uow.outbox.counts() == {"pending": 1, "sent": 0, "failed": 0}
        assert {r.subject_type for r in uow.audit.list(action="purged")} == {"outbox", "maildir"}
        assert all("mail" not in r.detail or "files" in r.detail or "rows" in r.detail
                   for r in uow.audit.list(action="purged"))


def test_a_never_decided_replaced_tool_counts_from_its_replacement(
    sealed_uow: NewUow, store: AttachmentStore, clock: FakeClock, tmp_path: Path
) -> None:
    with sealed_uow() as uow:
        _, first = _case(uow, "Eda Fictional", "f" * 64, decided=False)
        uow.commit()
    store.put(first, "f" * 64, b"first")
    clock.advance(days=10)
    with sealed_uow() as uow:
        child = uow.children.find("Eda Fictional", date(2011, 1, 1))
        later = add_submission(uow, message_id="<later@x.invalid>", sha256="9" * 64, child_id=child.id)
        uow.agenda.enqueue(later, False, False)
        uow.commit()
    clock.advance(days=timedelta(days=89).days)
    assert purge(sealed_uow, _settings(tmp_path), store, clock()).attachments == []
    clock.advance(days=2)
    assert purge(sealed_uow, _settings(tmp_path), store, clock()).attachments == [first]
