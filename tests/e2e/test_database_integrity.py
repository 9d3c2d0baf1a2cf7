"""An empty, foreign or damaged database stops the real `mast-intake run` and `poll --once` with
one line and exit code 3, with nothing written; `mast-intake backup` makes a checked copy."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.service_harness import Service
from tests.unit.storage.test_integrity import damage_a_page


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def made(service: Service) -> Path:
    """A real database, made by the service itself, with one message processed."""
    service.send_tool()
    service.run("poll", "--once")
    return service.data / "mast-intake.db"


def empty(service: Service) -> None:
    made(service).write_bytes(b"")


def garbage(service: Service) -> None:
    made(service).write_bytes(b"\x00\x13garbage from a failed copy\n" * 400)


def damaged_header(service: Service) -> None:
    path = made(service)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[0:16] = b"SQLite format 2\x00"
    path.write_bytes(bytes(data))


def damaged_page(service: Service) -> None:
    damage_a_page(made(service))


def wrong_revision(service: Service) -> None:
    with sqlite3.connect(made(service)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f00dcafe'")


@pytest.mark.parametrize("spoil", [empty, garbage, damaged_header, damaged_page, wrong_revision])
@pytest.mark.parametrize("command", [("poll", "--once"), ("run",)])
def test_an_unusable_database_stops_the_service_with_one_line(tmp_path, spoil, command) -> None:
    service = Service(tmp_path, extra_env={"MAST_INTAKE_WEB_ENABLED": "false"})
    spoil(service)
    service.send_tool()  # new mail waiting: it must stay in the inbox, unread
    before = snapshot(service.data)

    result = service.run(*command, check=False, timeout=120)

    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot start: the database")
    assert "Traceback" not in result.stderr
    # Nothing written: every file as it was (SQLite's own -wal/-shm index files aside), the new
    # email still waiting in the inbox, no reply or alert queued.
    def kept(files: dict[str, bytes]) -> dict[str, bytes]:
        return {k: v for k, v in files.items() if not k.endswith(("-wal", "-shm"))}

    assert kept(snapshot(service.data)) == kept(before) and len(service.waiting()) == 1


def test_debug_level_logs_the_traceback(tmp_path) -> None:
    service = Service(tmp_path)
    empty(service)
    result = service.run("poll", "--once", check=False, MAST_INTAKE_LOG_LEVEL="DEBUG")
    assert result.returncode == 3 and "Traceback" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: cannot start")


def test_backup_then_restore(tmp_path) -> None:
    service = Service(tmp_path)
    database = made(service)
    copy = tmp_path / "backups" / "mast-intake-backup.db"
    copy.parent.mkdir()
    done = service.run("backup", str(copy))
    assert "Backup written" in done.stdout and copy.stat().st_mode & 0o777 == 0o600
    again = service.run("backup", str(copy), check=False)
    assert again.returncode == 1 and "exists already" in again.stderr

    database.write_bytes(b"")  # lost
    for leftover in (Path(f"{database}-wal"), Path(f"{database}-shm")):
        leftover.unlink(missing_ok=True)
    assert service.run("status", check=False).returncode == 3
    # The README's restore: stop the service, copy the backup into place, start.
    database.write_bytes(copy.read_bytes())
    assert "processed 1" in service.run("status").stdout


def test_backup_with_postgresql_prints_the_pg_dump_command(tmp_path) -> None:
    service = Service(tmp_path)
    result = service.run("backup", str(tmp_path / "b.dump"), check=False,
                         MAST_INTAKE_DATABASE_URL="postgresql://mast:secret@db.internal:5433/mast")
    assert result.returncode == 1
    assert result.stdout.strip() == (f"pg_dump --format=custom --file={tmp_path / 'b.dump'}"
                                     " --host=db.internal --port=5433 --username=mast mast")
    assert "secret" not in result.stdout + result.stderr
