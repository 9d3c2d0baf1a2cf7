"""Engines: SQLite pragmas, file permissions, write locking; PostgreSQL URLs go to psycopg."""

from __future__ import annotations

import sqlite3
import stat
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from mast_intake.models.rows import Child, Submission
from mast_intake.storage import make_engine, make_session_factory, migrate


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_sqlite_pragmas(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 30_000
        assert pragma("secure_delete") == 1


def test_data_dir_and_file_are_private(tmp_path: Path) -> None:
    data = tmp_path / "new" / "var"
    engine = make_engine(f"sqlite:///{data}/mast-intake.db")
    migrate(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
        assert _mode(data) == 0o700
        for name in ("mast-intake.db", "mast-intake.db-wal", "mast-intake.db-shm"):
            assert _mode(data / name) == 0o600, name
    engine.dispose()


def test_existing_database_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "mast-intake.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert _mode(path) == 0o600


def test_transactions_take_the_write_lock_at_begin(sqlite_engine: Engine) -> None:
    # Two pollers must queue at BEGIN rather than deadlock when both later try to write.
    with sqlite_engine.connect() as connection, connection.begin():
        connection.exec_driver_sql("SELECT count(*) FROM processed_mail")
        other = sqlite3.connect(sqlite_engine.url.database, timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


def test_foreign_keys_are_enforced(sqlite_engine: Engine) -> None:
    with make_session_factory(sqlite_engine)() as session, pytest.raises(sa.exc.IntegrityError):
        session.add(
            Submission(
                message_id="<m@x.invalid>",
                sha256="a" * 64,
                file_name="f.docx",
                kind="docx",
                sender="w@example.invalid",
                received_at=datetime.fromisoformat("2026-03-02T07:00:00+00:00"),
                status="parsed",
                child_id=999,
            )
        )
        session.commit()


def test_naive_datetimes_are_refused(sqlite_engine: Engine) -> None:
    with make_session_factory(sqlite_engine)() as session, pytest.raises(sa.exc.StatementError):
        session.add(
            Child(
                name_key="x",
                dob=datetime(2011, 1, 1).date(),
                display_name="x",
                created_at=datetime(2026, 1, 1),
            )
        )
        session.commit()


def test_in_memory_sqlite_works(tmp_path: Path) -> None:
    engine = make_engine("sqlite://")
    migrate(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM submission").scalar() == 0


@pytest.mark.parametrize("url", ["postgresql://u@127.0.0.1/db", "postgres://u@127.0.0.1/db"])
def test_postgres_urls_use_psycopg(url: str) -> None:
    engine = make_engine(url)
    assert engine.url.drivername == "postgresql+psycopg"
    assert engine.dialect.name == "postgresql"
    engine.dispose()


def test_explicit_driver_is_kept() -> None:
    assert make_engine("postgresql+psycopg://u@127.0.0.1/db").url.drivername == "postgresql+psycopg"


def test_other_databases_are_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        make_engine("mysql://u@127.0.0.1/db")
