"""Signing in with a password: the throttle against guessing, and the server-side session.

Each failed sign-in counts against the account (when the name is a real account) and against
the client address. After a few free failures every further attempt must wait twice as long as
the one before (exponential back-off); after more, the key is locked for a while, which an
administrator can lift on the accounts page. While a key must wait or is locked, an attempt is
refused before the password is even checked, so the right password does not get in either.
Locks and lifts are audit lines.

Password hashing is deliberately slow (argon2), so it runs in worker threads, at most
``HASHING_THREADS`` at once: a storm of sign-ins then uses at most that many cores, and the
event loop keeps serving pages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from mast_intake.models.rows import SignInThrottle
from mast_intake.storage.unit_of_work import SqlUnitOfWork

HASHING_THREADS = 1
SYSTEM_ACTOR = "mast-intake"


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failures are free, when back-off turns into a lock, and for how long."""

    free_failures: int
    lock_after: int
    lock_minutes: int = 30
    forget_minutes: int = 15
    max_wait_seconds: int = 300


ACCOUNT_POLICY = ThrottlePolicy(free_failures=3, lock_after=10)
# Looser: several people may sign in from one address (a shared office or proxy).
ADDRESS_POLICY = ThrottlePolicy(free_failures=10, lock_after=50)


def account_key(user_id: int) -> str:
    return f"account:{user_id}"


def address_key(address: str) -> str:
    return f"address:{address[:100]}"


def wait_seconds(policy: ThrottlePolicy, row: SignInThrottle | None, now: datetime) -> int:
    """Seconds before the key may try again: 0 when it may try now."""
    if row is None:
        return 0
    if row.locked_until is not None and row.locked_until > now:
        return math.ceil((row.locked_until - now).total_seconds())
    if now - row.last_failure_at > timedelta(minutes=policy.forget_minutes):
        return 0
    if row.failures < policy.free_failures:
        return 0
    delay = min(2 ** (row.failures - policy.free_failures), policy.max_wait_seconds)
    return max(0, math.ceil(delay - (now - row.last_failure_at).total_seconds()))


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in is refused before its password is checked."""

    seconds: int
    locked: bool


def refusal(uow: SqlUnitOfWork, user_id: int | None, address: str, now: datetime) -> Refusal | None:
    """A refusal when the account or the address must wait or is locked, else None."""
    worst: Refusal | None = None
    keys = [(address_key(address), ADDRESS_POLICY)]
    if user_id is not None:
        keys.append((account_key(user_id), ACCOUNT_POLICY))
    for key, policy in keys:
        row = uow.sign_in_throttle.get(key)
        seconds = wait_seconds(policy, row, now)
        if seconds and (worst is None or seconds > worst.seconds):
            locked = row is not None and row.locked_until is not None and row.locked_until > now
            worst = Refusal(seconds, locked)
    return worst


def record_failure(uow: SqlUnitOfWork, user_id: int | None, address: str, now: datetime) -> None:
    """Count a failed sign-in against the account and the address; lock either when due."""
    keys = [(address_key(address), ADDRESS_POLICY, "address", address)]
    if user_id is not None:
        keys.append((account_key(user_id), ACCOUNT_POLICY, "user", str(user_id)))
    for key, policy, subject_type, subject_id in keys:
        row = uow.sign_in_throttle.record_failure(key, now - timedelta(minutes=policy.forget_minutes))
        if row.failures >= policy.lock_after and (row.locked_until is None or row.locked_until <= now):
            until = now + timedelta(minutes=policy.lock_minutes)
            uow.sign_in_throttle.lock(row, until)
            uow.audit.append(SYSTEM_ACTOR, "sign_in_locked", subject_type, subject_id,
                             f"{row.failures} failures, until {until.isoformat(timespec='minutes')}")


def record_success(uow: SqlUnitOfWork, user_id: int) -> None:
    """A right password clears the account's failures (not the address's: it may be shared)."""
    uow.sign_in_throttle.clear(account_key(user_id))


def lift(uow: SqlUnitOfWork, key: str, actor: str) -> bool:
    """An administrator lifts a lock (and forgets the failures); audited. False if none was there."""
    if not key.startswith(("account:", "address:")) or not uow.sign_in_throttle.clear(key):
        return False
    kind, _, subject = key.partition(":")
    uow.audit.append(actor, "sign_in_unlocked", "user" if kind == "account" else "address", subject)
    return True


@dataclass(frozen=True)
class Lock:
    """A lock as the accounts page shows it."""

    key: str
    what: str
    until: datetime


def locks(uow: SqlUnitOfWork, now: datetime) -> list[Lock]:
    """Every lock in force, named by account or address."""
    out = []
    for row in uow.sign_in_throttle.locked(now):
        kind, _, subject = row.key.partition(":")
        if kind == "account":
            user = uow.users.get(int(subject))
            what = f"Account {user.username}" if user else f"Account {subject}"
        else:
            what = f"Address {subject}"
        assert row.locked_until is not None
        out.append(Lock(row.key, what, row.locked_until))
    return out
