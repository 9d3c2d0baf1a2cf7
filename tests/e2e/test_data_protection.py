"""Data protection end to end: with encryption on, plain tools find no child's name at rest.

The real CLI runs in a child process (``tests.service_harness.Service``) against a data folder of
its own, with the key file outside it. "Plain tools" are ``strings`` (when installed) and a
Python equivalent, over every file in the folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from mast_intake.protection.crypto import new_key
from tests.fixtures.factory import base_spec, build_form
from tests.service_harness import Service

# The children's names, and other people's names, in the test submissions.
NAMES = ("Morwenna", "Blyth", "Eira", "Pascoe", "Penhallow", "Kerrigan", "Vosper", "Tegan Lusk")
NOTES = "Morwenna to see the school nurse weekly"


def _printable_runs(data: bytes) -> list[str]:
    """What `strings -a` shows: runs of 4+ printable ASCII characters (and of UTF-16LE ones)."""
    ascii_runs = [m.decode() for m in re.findall(rb"[\x20-\x7e\t]{4,}", data)]
    utf16 = [m.decode("utf-16-le") for m in re.findall(rb"(?:[\x20-\x7e]\x00){4,}", data)]
    return ascii_runs + utf16


def names_found(paths: list[Path]) -> dict[str, list[str]]:
    """For each file that shows a name to plain tools: which names."""
    found: dict[str, list[str]] = {}
    tool = shutil.which("strings")
    for path in paths:
        text = "\n".join(_printable_runs(path.read_bytes()))
        if tool:
            text += subprocess.run([tool, "-a", str(path)], capture_output=True, text=True,
                                   errors="replace").stdout
        # A name standing alone, not four letters inside base64 ciphertext, where a short name
        # turns up by chance (one run in ten held "eira" somewhere in the sealed values).
        hits = [name for name in NAMES
                if re.search(rf"(?<![A-Za-z0-9+/]){re.escape(name)}(?![A-Za-z0-9+/])", text, re.IGNORECASE)]
        if hits:
            found[str(path)] = hits
    return found


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    path = keys / "mast-intake.keys"
    path.write_text(new_key() + "\n")
    os.chmod(path, 0o600)
    return path


@pytest.fixture
def service(tmp_path: Path, key_file: Path) -> Service:
    root = tmp_path / "encrypted"
    root.mkdir()
    return Service(root, {"MAST_INTAKE_ENCRYPTION_KEY_FILE": str(key_file)})


def _second_tool() -> bytes:
    return build_form(replace(base_spec(), name="Eira Pascoe", dob=date(2010, 6, 1)))


def _poll_and_decide(service: Service) -> None:
    service.send_tool()
    service.send_tool(_second_tool(), name="Eira Pascoe CSE tool.docx")
    counts = json.loads(service.run("poll", "--once").stdout)
    assert counts["parsed"] == 2
    service.run("agenda", "place")
    service.run("decide", "1", "--level", "medium", "--rationale", "Fictional rationale.", "--status",
                "added", "--action", "Safety plan", "--owner", "Alex Worker", "--nrm", "not_applicable",
                "--notes", NOTES, "--by", "MAST chair")


def test_with_encryption_on_no_name_is_readable_at_rest(service: Service) -> None:
    _poll_and_decide(service)
    data = service.data

    # Modes: the folder and everything the service keeps are its owner's only.
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "mast-intake.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "attachments").stat().st_mode) == 0o700
    stored = files_under(data / "attachments")
    assert len(stored) == 2 and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in stored)
    assert not [p for p in stored if "Eira" in p.name or "tool" in p.name]

    # The service's own stores: database (with its WAL) and attachments, straight away.
    own = [p for p in files_under(data) if p.relative_to(data).parts[0] not in ("mailbox", "outbox")]
    assert len(own) >= 3
    assert names_found(own) == {}

    # The embedded Maildir folders stand in for the mail server and hold mail as sent (the
    # replies name the child); retention removes them by age, and then nothing shows a name.
    assert names_found(files_under(data / "outbox")), "the check must be able to see a name"
    for path in files_under(data / "mailbox") + files_under(data / "outbox"):
        os.utime(path, (path.stat().st_mtime - 100 * 86400,) * 2)
    report = json.loads(service.run("purge").stdout)
    assert report["mail_files"]["processed/cur"] == 2 and report["attachments"] == []
    assert names_found(files_under(data)) == {}

    # Everything still reads back through the service.
    export = service.root / "export.json"
    service.run("export-child", "--child-id", "1", "--by", "sar officer", "--out", str(export))
    assert stat.S_IMODE(export.stat().st_mode) == 0o600
    held = json.loads(export.read_text())
    assert held["child"]["name"] == "Morwenna Blyth"
    assert held["submissions"][0]["decisions"][0]["notes"].startswith(NOTES)
    audit = [json.loads(line) for line in service.run("audit", "--json").stdout.splitlines()]
    assert {"exported", "purged", "decided", "processed"} <= {line["action"] for line in audit}
    assert not [line for line in audit if any(name in json.dumps(line) for name in NAMES)]


def test_the_check_sees_names_when_encryption_is_off(tmp_path: Path) -> None:
    plain = Service(tmp_path / "plain")
    plain.root.mkdir(parents=True)
    plain.send_tool()
    plain.run("poll", "--once")
    assert "Morwenna" in str(names_found([plain.data / "mast-intake.db"]))


def test_a_missing_or_wrong_key_is_a_clear_error_and_nothing_is_touched(
    service: Service, tmp_path: Path
) -> None:
    service.send_tool()
    service.run("poll", "--once")
    service.run("send")

    def fingerprint() -> dict[str, str]:
        return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files_under(service.data)
                if not p.name.endswith(("-wal", "-shm"))}

    before = fingerprint()
    missing = service.run("poll", "--once", check=False, MAST_INTAKE_ENCRYPTION_KEY_FILE="")
    assert missing.returncode == 1
    assert "encrypted but no key is configured" in missing.stderr and "Traceback" not in missing.stderr

    other = tmp_path / "other.keys"
    other.write_text(new_key() + "\n")
    os.chmod(other, 0o600)
    wrong = service.run("status", check=False, MAST_INTAKE_ENCRYPTION_KEY_FILE=str(other))
    assert wrong.returncode == 1 and "do not open the stored data" in wrong.stderr
    rotate = service.run("rotate-key", check=False, MAST_INTAKE_ENCRYPTION_KEY_FILE=str(other))
    assert rotate.returncode == 1 and "nothing was changed" in rotate.stderr
    assert fingerprint() == before


def test_rotation_then_erasure(service: Service, key_file: Path, tmp_path: Path) -> None:
    service.send_tool()
    service.run("poll", "--once")
    old_key = key_file.read_text().strip()
    fresh = service.run("new-key").stdout.strip()
    key_file.write_text(f"{fresh}\n{old_key}\n")
    rotated = json.loads(service.run("rotate-key", "--by", "dpo").stdout)
    assert rotated["rekeyed"]["submission"] == 1 and rotated["rekeyed"]["attachment_files"] == 1
    key_file.write_text(f"{fresh}\n")  # the old key is no longer needed
    erased = json.loads(service.run("erase-child", "--child-id", "1", "--by", "dpo", "--yes").stdout)
    assert erased["children"] == 1 and erased["attachments"] == 1 and erased["emails"] == 1
    assert not files_under(service.data / "attachments")
    audit = service.run("audit", "--action", "erased").stdout
    assert "dpo" in audit and "child 1" in audit and "Morwenna" not in audit
