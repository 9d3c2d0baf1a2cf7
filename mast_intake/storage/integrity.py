"""Is the database fit to use? Checked before anything reads or writes it, nightly, and by backup.

At start (``prepare_database``):

- a SQLite file that exists must be a whole, undamaged SQLite database: not empty, with the
  SQLite header, and passing ``PRAGMA quick_check``; a new database is made only where no file
  exists, built beside it and linked into place, so a file at the path is always complete and
  nothing is ever created over an existing file;
- the schema must be one this version knows: at an Alembic revision of its own history (an
  older one is upgraded), never tables without a revision, or a revision it does not know;
- after the upgrade it must be at the newest revision.

Anything else raises ``DatabaseUnusable`` with one line saying what is wrong and what to do,
before anything is written. ``nightly_problem`` runs the full ``PRAGMA integrity_check``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from mast_intake.ports.errors import StorageError
from mast_intake.storage.engine import make_engine
from mast_intake.storage.schema import alembic_config, head_revision, migrate

SQLITE_HEADER = b"SQLite format 3\x00"
RESTORE_HINT = "restore it from a backup (README: Backup and restore)"


class DatabaseUnusable(StorageError):
    """The database cannot be used as it is; the message is one line: what, and what to do."""


@dataclass(frozen=True)
class BackupReport:
    """What ``backup_sqlite`` wrote."""

    path: Path
    size: int
    revision: str | None


def sqlite_file(url: str) -> Path | None:
    """The database file of a file-based SQLite URL; None for PostgreSQL or in-memory SQLite."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" \
            or database.startswith("file:"):
        return None
    return Path(database)


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)


def _first_line(text: object, limit: int = 160) -> str:
    line = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return line[:limit]


def check_sqlite_file(path: Path, pragma: str = "quick_check") -> None:
    """Raise DatabaseUnusable unless ``path`` is a non-empty SQLite database passing ``pragma``."""
    size = path.stat().st_size
    if size == 0:
        raise DatabaseUnusable(f"the database file {path} is empty (0 bytes): {RESTORE_HINT}, "
                               "or move the file away to start with a new, empty database")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise DatabaseUnusable(f"the database file {path} is not a SQLite database: {RESTORE_HINT}, "
                               "or check MAST_INTAKE_DATA_DIR and MAST_INTAKE_DATABASE_URL")
    try:
        with contextlib.closing(_read_only(path)) as connection:
            rows = connection.execute(f"PRAGMA {pragma}").fetchall()
    except sqlite3.DatabaseError as exc:
        raise DatabaseUnusable(f"the database file {path} is damaged ({_first_line(exc)}): "
                               f"{RESTORE_HINT}") from exc
    if rows != [("ok",)]:
        detail = _first_line(rows[0][0] if rows else "no answer")
        raise DatabaseUnusable(f"the database file {path} is damaged ({pragma}: {detail}): {RESTORE_HINT}")


def _known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def check_revision(engine: sa.Engine) -> str | None:
    """The database's revision, known to this version; raises DatabaseUnusable otherwise."""
    try:
        tables = set(sa.inspect(engine).get_table_names())
        revision = None
        if "alembic_version" in tables:
            # Read directly: Alembic's own reader logs at INFO on every call.
            with engine.connect() as connection:
                revisions = connection.execute(sa.text("SELECT version_num FROM alembic_version")).all()
            if len(revisions) > 1:
                raise DatabaseUnusable("the database has several schema revisions at once: "
                                       + RESTORE_HINT)
            revision = revisions[0][0] if revisions else None
    except sa.exc.OperationalError as exc:
        raise DatabaseUnusable(f"the database cannot be reached ({_first_line(exc.orig or exc)}): "
                               "check MAST_INTAKE_DATABASE_URL, that the server is running, and "
                               "the service's access rights") from exc
    except sa.exc.DatabaseError as exc:
        raise DatabaseUnusable(f"the database cannot be read ({_first_line(exc.orig or exc)}): "
                               f"{RESTORE_HINT}") from exc
    if revision is None and tables - {"alembic_version"}:
        raise DatabaseUnusable("the database holds tables but no schema revision: it is not a MAST "
                               "Intake database or it is damaged; check MAST_INTAKE_DATABASE_URL or "
                               + RESTORE_HINT)
    if revision is not None and revision not in _known_revisions():
        raise DatabaseUnusable(f"the database is at schema revision {revision}, which this version "
                               f"does not know (newest here: {head_revision()}): run the MAST Intake "
                               "version that wrote it, or " + RESTORE_HINT)
    return revision


def _create_sqlite(path: Path) -> None:
    """Build a new database beside ``path`` and link it into place; never replaces a file."""
    building = path.with_name(f".{path.name}.new-{os.getpid()}")
    for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
        leftover.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{building}")
    try:
        migrate(engine)
    finally:
        engine.dispose()
    try:
        # Fold the write-ahead log into the file, so the linked file is complete on its own.
        with contextlib.closing(sqlite3.connect(building)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        with contextlib.suppress(FileExistsError):
            # link, unlike rename, fails when another process put a database there meanwhile.
            os.link(building, path)
    finally:
        for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
            leftover.unlink(missing_ok=True)


def prepare_database(url: str) -> None:
    """Refuse an unusable database, create one only where none exists, then upgrade it to head."""
    path = sqlite_file(url)
    if path is not None:
        if path.exists():
            check_sqlite_file(path)
        elif Path(f"{path}-wal").exists():
            raise DatabaseUnusable(f"the database file {path} is missing but its write-ahead log "
                                   f"{path}-wal is there: {RESTORE_HINT}")
        else:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            _create_sqlite(path)
            check_sqlite_file(path)
    engine = make_engine(url)
    try:
        if check_revision(engine) != head_revision():
            migrate(engine)
        revision = check_revision(engine)
    finally:
        engine.dispose()
    if revision != head_revision():
        raise DatabaseUnusable(f"the database is at schema revision {revision} after the upgrade, "
                               f"not {head_revision()}: {RESTORE_HINT}")


def nightly_problem(url: str) -> str | None:
    """One line describing what is wrong with the database, or None when the full check passes."""
    path = sqlite_file(url)
    try:
        if path is not None:
            if not path.exists():
                return f"the database file {path} is missing"
            check_sqlite_file(path, pragma="integrity_check")
        engine = make_engine(url)
        try:
            revision = check_revision(engine)
        finally:
            engine.dispose()
    except DatabaseUnusable as exc:
        return str(exc)
    except sa.exc.SQLAlchemyError as exc:
        return f"the database cannot be read ({type(exc).__name__})"
    if revision != head_revision():
        return f"the database is at schema revision {revision}, not {head_revision()}"
    return None


def backup_sqlite(url: str, target: Path) -> BackupReport:
    """Copy the live SQLite database to the new file ``target`` with SQLite's online backup API.

    The copy is consistent even while the service writes (the backup restarts on a change made
    by another connection), is created 0600 and never over an existing file, and must pass
    ``quick_check`` and be at a known revision, or it is removed and DatabaseUnusable raised.
    """
    source = sqlite_file(url)
    if source is None:
        raise ValueError("backup_sqlite needs a file-based SQLite database")
    if not source.exists():
        raise DatabaseUnusable(f"there is no database file at {source} to back up")
    check_sqlite_file(source)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)
    try:
        with contextlib.closing(_read_only(source)) as live, \
                contextlib.closing(sqlite3.connect(target)) as copy:
            live.backup(copy, pages=1024)
        check_sqlite_file(target)
        engine = make_engine(f"sqlite:///{target}")
        try:
            revision = check_revision(engine)
        finally:
            engine.dispose()
    except BaseException:
        for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    return BackupReport(target, target.stat().st_size, revision)
