"""Which of several service instances runs the once-only scheduled jobs (agenda, reminders, purge).

Every instance polls the shared mailbox (claims keep that safe), but a job such as issuing the
meeting's agenda must run once, not once per instance. The instance holding the leader lock
runs them. On PostgreSQL the lock is a session-level advisory lock, taken on a connection of its
own and held for as long as the instance lives: it is released by the server the moment that
connection ends, so when the leader stops (or its connection drops) the next instance to try
becomes leader. Holding it, rather than taking and releasing it around each run, is what makes
a job run once: instances whose clocks fire a second apart would otherwise each find it free in
turn. With SQLite (one host) an exclusive ``flock`` on a file beside the database does the same.
"""

from __future__ import annotations

import abc
import contextlib
import fcntl
import hashlib
import logging
import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from mast_intake.storage.engine import make_engine

log = logging.getLogger(__name__)

# One advisory lock key for the service, derived from its name so it collides with no other
# application's keys in a shared database by accident.
LOCK_KEY = int.from_bytes(hashlib.sha256(b"mast-intake scheduler leader").digest()[:8], "big", signed=True)


class LeaderLock(abc.ABC):
    """Held by at most one instance at a time; ``held()`` tries to take it when free."""

    @abc.abstractmethod
    def held(self) -> bool:
        """True when this instance holds the lock now (taking it if nobody does)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Give the lock up."""


class PostgresLeaderLock(LeaderLock):
    """``pg_try_advisory_lock`` on a dedicated autocommit connection."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url, poolclass=sa.pool.NullPool)
        self.connection: sa.Connection | None = None

    def held(self) -> bool:
        if self.connection is not None:
            try:
                self.connection.exec_driver_sql("SELECT 1")
                return True
            except sa.exc.DBAPIError:
                # The session ended, and with it the lock: another instance may have it now.
                log.warning("leader lock connection lost")
                self._drop()
        try:
            connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except sa.exc.DBAPIError as exc:
            log.warning("leader lock: database unreachable", extra={"error": type(exc).__name__})
            return False
        got = connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}).scalar()
        if got:
            self.connection = connection
            log.info("this instance runs the scheduled once-only jobs")
            return True
        connection.close()
        return False

    def _drop(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(sa.exc.DBAPIError):
                self.connection.close()
        self.connection = None

    def close(self) -> None:
        self._drop()
        self.engine.dispose()


class FileLeaderLock(LeaderLock):
    """An exclusive, non-blocking ``flock`` on ``path``, held while the file stays open."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: int | None = None

    def held(self) -> bool:
        if self.handle is not None:
            return True
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            return False
        self.handle = handle
        return True

    def close(self) -> None:
        if self.handle is not None:
            os.close(self.handle)  # closing the last descriptor releases the flock
            self.handle = None


def leader_lock(db_url: str, data_dir: Path) -> LeaderLock:
    """The leader lock for the database at ``db_url`` (files for SQLite live in ``data_dir``)."""
    if make_url(db_url).get_backend_name() in ("postgresql", "postgres"):
        return PostgresLeaderLock(db_url)
    return FileLeaderLock(data_dir / "scheduler.lock")
