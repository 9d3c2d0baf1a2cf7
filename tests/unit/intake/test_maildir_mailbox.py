"""MaildirMailbox against a real Maildir in tmp_path: what only a Maildir does (file modes, Maildir++
folders, files copied in by hand); the port's contract is in tests/integration/contracts."""

from __future__ import annotations

import mailbox
import os
import stat
from pathlib import Path

import pytest

from mast_intake.intake.adapters.maildir import MaildirMailbox
from mast_intake.ports.mailbox import MailboxError
from tests.mail_factory import submission


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def box(tmp_path: Path) -> MaildirMailbox:
    return MaildirMailbox(tmp_path / "var" / "mailbox")


def deliver(box: MaildirMailbox, raw: bytes, mtime: float | None = None) -> str:
    """Deliver like an MDA (tmp/ then new/) through the standard library; returns the key."""
    key = mailbox.Maildir(box.path, create=False).add(raw)
    if mtime is not None:
        path = box.path / "new" / key
        os.utime(path, (mtime, mtime))
    return key


def test_creates_a_private_maildir_with_its_parents(tmp_path: Path) -> None:
    box = MaildirMailbox(tmp_path / "var" / "mailbox")
    for sub in ("", "new", "cur", "tmp"):
        assert mode(box.path / sub) == 0o700
    assert mode(tmp_path / "var") == 0o700
    assert list(box.pending()) == []


def test_reopening_an_existing_maildir_keeps_its_messages(box: MaildirMailbox) -> None:
    key = deliver(box, submission(1))
    assert list(MaildirMailbox(box.path).pending()) == [key]


def test_pending_is_oldest_delivery_first_then_key(box: MaildirMailbox) -> None:
    late = deliver(box, submission(1), mtime=1_800_000_300)
    early = deliver(box, submission(2), mtime=1_800_000_100)
    same_b = deliver(box, submission(3), mtime=1_800_000_200)
    same_a = deliver(box, submission(4), mtime=1_800_000_200)
    middle = sorted([same_a, same_b])
    assert list(box.pending()) == [early, *middle, late]
    assert list(box.pending()) == [early, *middle, late], "keys are stable between calls"


def test_picks_up_a_plain_eml_file_copied_into_new(box: MaildirMailbox) -> None:
    raw = submission(5)
    (box.path / "new" / "sample.eml").write_bytes(raw)
    assert list(box.pending()) == ["sample.eml"]
    assert box.fetch("sample.eml") == raw


def test_a_folder_with_only_new_made_by_hand_is_completed(tmp_path: Path) -> None:
    inbox = tmp_path / "var" / "mailbox"
    (inbox / "new").mkdir(parents=True)
    raw = submission(5)
    (inbox / "new" / "copied.eml").write_bytes(raw)
    box = MaildirMailbox(inbox)
    assert list(box.pending()) == ["copied.eml"]
    assert box.fetch("copied.eml") == raw
    box.move("copied.eml", "Processed")
    assert (inbox / ".Processed" / "cur" / "copied.eml:2,S").read_bytes() == raw
    assert mode(inbox / "cur") == mode(inbox / "tmp") == 0o700


def test_finds_messages_in_cur_with_an_info_suffix(box: MaildirMailbox) -> None:
    raw = submission(6)
    (box.path / "cur" / "1800000000.M1P1.host:2,S").write_bytes(raw)
    assert list(box.pending()) == ["1800000000.M1P1.host"]
    assert box.fetch("1800000000.M1P1.host") == raw


def test_ignores_dot_files_and_directories(box: MaildirMailbox) -> None:
    (box.path / "new" / ".partial").write_bytes(b"x")
    (box.path / "new" / "a-directory").mkdir()
    assert list(box.pending()) == []


@pytest.mark.parametrize("key", ["../escape", "a/b", ".hidden", ""])
def test_keys_cannot_climb_out_of_the_maildir(box: MaildirMailbox, key: str) -> None:
    with pytest.raises(MailboxError):
        box.fetch(key)
    with pytest.raises(MailboxError):
        box.move(key, "Processed")


def test_move_files_the_message_in_a_maildirpp_subfolder(box: MaildirMailbox) -> None:
    raw = submission(8)
    key = deliver(box, raw)
    other = deliver(box, submission(9))
    box.move(key, "Processed")
    assert list(box.pending()) == [other]
    folder = box.path / ".Processed"
    assert (folder / "maildirfolder").is_file()
    for sub in ("", "new", "cur", "tmp"):
        assert mode(folder / sub) == 0o700
    assert mode(folder / "maildirfolder") == 0o600
    processed = mailbox.Maildir(box.path, create=False).get_folder("Processed")
    assert list(processed.keys()) == [key]
    assert processed.get_bytes(key) == raw
    assert mailbox.Maildir(box.path, create=False).list_folders() == ["Processed"]


def test_move_keeps_existing_flags(box: MaildirMailbox) -> None:
    (box.path / "cur" / "k1:2,S").write_bytes(submission(10))
    box.move("k1", "Quarantine")
    assert (box.path / ".Quarantine" / "cur" / "k1:2,S").is_file()


def test_default_folder_names(box: MaildirMailbox) -> None:
    assert (box.processed_folder, box.quarantine_folder) == ("Processed", "Quarantine")


@pytest.mark.parametrize("folder", ["../x", "a/b", ".x", ""])
def test_folder_names_cannot_climb_out(box: MaildirMailbox, folder: str) -> None:
    key = deliver(box, submission(12))
    with pytest.raises(MailboxError):
        box.move(key, folder)
    assert list(box.pending()) == [key]


def test_an_unusable_path_is_a_mailbox_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    with pytest.raises(MailboxError):
        MaildirMailbox(blocker / "mailbox")
