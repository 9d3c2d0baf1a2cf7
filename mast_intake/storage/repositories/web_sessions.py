"""Console sessions kept on the server, and the counts of failed sign-ins that throttle guessing.

Neither table holds anything about a child. A session row is found by the SHA-256 of the random
token in the browser's cookie; the token itself is never stored.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult
from sqlmodel import col, delete, select

from mast_intake.models.rows import SignInThrottle, WebSession
from mast_intake.storage.repositories.base import SqlRepository

# SQLModel's Session.execute is typed as returning a plain Result; a DELETE gives a CursorResult,
# whose rowcount says how many rows went.
_Deleted = CursorResult[Any]


def token_hash(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


class SqlWebSessionRepository(SqlRepository):
    """Signed-in sessions: started at sign-in, ended by sign-out, timeout or an administrator."""

    def start(self, user_id: int) -> str:
        """A new session for ``user_id``; returns the token for the browser's cookie."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        self.session.add(WebSession(token_hash=token_hash(token), user_id=user_id, created_at=now,
                                    last_seen_at=now))
        self.session.flush()
        return token

    def find(self, token: str) -> WebSession | None:
        """The live session with this token, or None when it was ended (or never existed)."""
        return self.session.exec(select(WebSession).where(WebSession.token_hash == token_hash(token))).first()

    def touch(self, row: WebSession) -> None:
        """Note a request now, which keeps the session from timing out."""
        row.last_seen_at = self.clock()
        self.session.add(row)
        self.session.flush()

    def end(self, token: str) -> int:
        """End one session; returns how many rows went (0 or 1)."""
        statement = delete(WebSession).where(col(WebSession.token_hash) == token_hash(token))
        return cast(_Deleted, self.session.execute(statement)).rowcount or 0

    def end_all(self, user_id: int, keep_token: str | None = None) -> int:
        """End every session of ``user_id`` (but the one with ``keep_token``); returns how many."""
        statement = delete(WebSession).where(col(WebSession.user_id) == user_id)
        if keep_token:
            statement = statement.where(col(WebSession.token_hash) != token_hash(keep_token))
        return cast(_Deleted, self.session.execute(statement)).rowcount or 0

    def end_idle(self, idle_since: datetime) -> int:
        """Remove sessions whose last request was before ``idle_since``; returns how many."""
        return cast(_Deleted, self.session.execute(
            delete(WebSession).where(col(WebSession.last_seen_at) < idle_since))).rowcount or 0

    def count_for(self, user_id: int) -> int:
        """How many sessions ``user_id`` has open."""
        return len(self.session.exec(select(WebSession.id).where(WebSession.user_id == user_id)).all())


class SqlSignInThrottleRepository(SqlRepository):
    """Failure counts per key (``account:<id>`` or ``address:<ip>``); the rules live in the web layer."""

    def get(self, key: str) -> SignInThrottle | None:
        """The counter for ``key``, locked for update, or None when it has no failures."""
        statement = select(SignInThrottle).where(SignInThrottle.key == key)
        return self.session.exec(self._locking(statement)).first()

    def record_failure(self, key: str, forget_before: datetime) -> SignInThrottle:
        """Count one more failure (starting again when the last was before ``forget_before``)."""
        now = self.clock()
        row = self.get(key)
        if row is None:
            row = SignInThrottle(key=key, failures=0, last_failure_at=now)
        elif row.last_failure_at < forget_before and (row.locked_until is None or row.locked_until <= now):
            row.failures, row.locked_until = 0, None
        row.failures += 1
        row.last_failure_at = now
        self.session.add(row)
        self.session.flush()
        return row

    def lock(self, row: SignInThrottle, until: datetime) -> None:
        """Refuse every sign-in for this key until ``until``."""
        row.locked_until = until
        self.session.add(row)
        self.session.flush()

    def clear(self, key: str) -> bool:
        """Forget the failures and any lock of ``key``; True when there was something to forget."""
        return bool(cast(_Deleted, self.session.execute(
            delete(SignInThrottle).where(col(SignInThrottle.key) == key))).rowcount)

    def locked(self, now: datetime) -> list[SignInThrottle]:
        """Keys locked at ``now``, the newest lock first."""
        return list(self.session.exec(
            select(SignInThrottle).where(col(SignInThrottle.locked_until) > now)
            .order_by(col(SignInThrottle.locked_until).desc())))


__all__ = ["SqlSignInThrottleRepository", "SqlWebSessionRepository", "token_hash"]
