"""Database integrity: what start-up refuses, what it creates, the nightly check and backups."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from mast_intake.config.settings import Settings
from mast_intake.storage import make_engine, migrate
from mast_intake.storage.integrity import (
    DatabaseUnusable,
    backup_sqlite,
    nightly_problem,
    prepare_database,
)
from mast_intake.storage.schema import current_revision, downgrade, head_revision


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def damage_a_page(path: Path, page: int = 6) -> None:
    """Overwrite the middle of one b-tree page, as a failing disk or a torn write would."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big") or 65536
    assert len(data) > page * size
    data[(page - 1) * size:(page - 1) * size + 900] = b"\xab" * 900
    path.write_bytes(bytes(data))


@pytest.fixture
def database(migrated_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "mast-intake.db"
    shutil.copyfile(migrated_template, path)
    return path


def test_a_first_start_creates_the_database_only_where_there_is_no_file(tmp_path: Path) -> None:
    path = tmp_path / "var" / "mast-intake.db"
    prepare_database(url(path))
    assert path.stat().st_size > 0 and path.stat().st_mode & 0o777 == 0o600
    assert current_revision(make_engine(url(path))) == head_revision()
    # Nothing left beside it from the build.
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []
    prepare_database(url(path))  # a second start uses it as it is


@pytest.mark.parametrize(("content", "message"), [
    (b"", r"is empty \(0 bytes\)"),
    (b"this is not a database at all\n" * 200, "is not a SQLite database"),
    (b"SQLite format 3\x00" + b"\xff" * 5000, "is damaged"),
])
def test_an_unusable_file_is_refused_and_left_as_it_was(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "mast-intake.db"
    path.write_bytes(content)
    with pytest.raises(DatabaseUnusable, match=message) as refused:
        prepare_database(url(path))
    assert "\n" not in str(refused.value) and "restore it from a backup" in str(refused.value)
    assert path.read_bytes() == content


def test_a_damaged_page_is_refused(database: Path) -> None:
    damage_a_page(database)
    before = database.read_bytes()
    with pytest.raises(DatabaseUnusable, match="is damaged"):
        prepare_database(url(database))
    assert database.read_bytes() == before
    assert nightly_problem(url(database)) is not None


def test_an_unknown_revision_is_refused(database: Path) -> None:
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(DatabaseUnusable, match="revision 9999, which this version does not know"):
        prepare_database(url(database))
    assert "9999" in (nightly_problem(url(database)) or "")


def test_tables_without_a_revision_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(DatabaseUnusable, match="holds tables but no schema revision"):
        prepare_database(url(path))


def test_an_older_revision_of_ours_is_upgraded(database: Path) -> None:
    engine = make_engine(url(database))
    downgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    engine.dispose()
    prepare_database(url(database))
    assert current_revision(make_engine(url(database))) == head_revision()


def test_a_missing_file_with_its_log_left_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mast-intake.db"
    Path(f"{path}-wal").write_bytes(b"\x37\x7f\x06\x82" + b"\x00" * 28)
    with pytest.raises(DatabaseUnusable, match="write-ahead log"):
        prepare_database(url(path))
    assert not path.exists()


def test_nightly_check_passes_on_a_sound_database(database: Path) -> None:
    assert nightly_problem(url(database)) is None


def test_backup_is_a_checked_private_copy_never_over_a_file(database: Path, tmp_path: Path) -> None:
    with sqlite3.connect(database) as connection:
        connection.execute("INSERT INTO poll_run (worker_id, started_at, counts)"
                           " VALUES ('w', '2026-11-02 08:00:00', '{}')")
    target = tmp_path / "backup.db"
    report = backup_sqlite(url(database), target)
    assert report.revision == head_revision() and report.size == target.stat().st_size
    assert target.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT worker_id FROM poll_run").fetchall() == [("w",)]
    with pytest.raises(FileExistsError):
        backup_sqlite(url(database), target)


def test_no_backup_of_a_damaged_database(database: Path, tmp_path: Path) -> None:
    damage_a_page(database)
    with pytest.raises(DatabaseUnusable):
        backup_sqlite(url(database), tmp_path / "backup.db")
    assert not (tmp_path / "backup.db").exists()


def test_the_nightly_job_alerts_the_admin_without_the_database(database: Path, tmp_path: Path) -> None:
    from mast_intake.bootstrap import bootstrap
    from mast_intake.scheduler import integrity_job

    settings = Settings(data_dir=tmp_path / "var", database_url=url(database))
    app = bootstrap(settings)
    sent = []
    app._mailer = type("Recorder", (), {"send": lambda self, m: sent.append(m), "close": lambda self: None})()
    integrity_job(app)
    assert sent == []
    damage_a_page(database)
    integrity_job(app)
    (alert,) = sent
    assert str(alert["To"]) == settings.admin_address and "database check failed" in str(alert["Subject"])


def test_migrations_still_run_on_an_engine(tmp_path: Path) -> None:
    # prepare_database builds on storage.schema.migrate; the fixtures' direct use keeps working.
    engine = make_engine(url(tmp_path / "direct.db"))
    migrate(engine)
    assert current_revision(engine) == head_revision()
