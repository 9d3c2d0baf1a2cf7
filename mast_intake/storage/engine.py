"""Engines and session factories, made from a URL by the caller: nothing here is module-level."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

# How long a connection waits for another writer before SQLite reports "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _postgres_url(url: URL) -> URL:
    # "postgresql://" alone would pick psycopg2, which is not installed; psycopg 3 is.
    if url.drivername in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    return url


def _prepare_sqlite_file(database: str | None) -> None:
    """Create the data directory (0700) and the database file (0600) before SQLite does."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # mkdir's mode is filtered by the umask; set it outright.
        os.chmod(path.parent, 0o700)
    if not path.exists():
        # O_EXCL: never follow or reuse something another process put there in the meantime.
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    # SQLite gives its -wal and -shm files the main file's permissions, so this covers them too.
    if path.stat().st_uid == os.getuid():
        os.chmod(path, 0o600)


def _sqlite_events(engine: Engine, in_memory: bool) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN, not the sqlite3 module (which defers
        # it to the first write and so cannot give IMMEDIATE semantics).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            # Deleted rows are overwritten, not left readable in free pages: this is data about
            # children.
            cursor.execute("PRAGMA secure_delete = ON")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode = WAL")
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # IMMEDIATE takes the write lock at the start, so two pollers queue on busy_timeout
        # instead of both reading, then one failing with SQLITE_BUSY when it tries to write.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str | URL, **engine_kwargs: Any) -> Engine:
    """An engine for ``url``: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL via psycopg 3."""
    parsed = make_url(url) if isinstance(url, str) else url
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        in_memory = parsed.database in (None, "", ":memory:")
        _prepare_sqlite_file(parsed.database)
        engine = sa.create_engine(parsed, **engine_kwargs)
        _sqlite_events(engine, in_memory)
        return engine
    if backend in ("postgresql", "postgres"):
        engine_kwargs.setdefault("pool_pre_ping", True)
        return sa.create_engine(_postgres_url(parsed), **engine_kwargs)
    raise ValueError(f"unsupported database backend {backend!r}: use sqlite or postgresql")


def make_session_factory(engine: Engine) -> Callable[[], Session]:
    """Sessions for the unit of work; objects stay readable after commit and after the block ends."""
    return sessionmaker(bind=engine, class_=Session, expire_on_commit=False, autoflush=True)
