"""Database fixtures for the integration tests: a throwaway PostgreSQL database per session.

Plain functions the test modules wrap in their own fixtures: tests/integration/conftest.py belongs
to the mailbox suite.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from mast_intake.storage import make_engine, make_session_factory
from mast_intake.storage.unit_of_work import SqlUnitOfWork

SERVER = os.environ.get("MAST_INTAKE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
MAINTENANCE_DB = "test"


def _admin() -> psycopg.Connection:
    return psycopg.connect(f"{SERVER}/{MAINTENANCE_DB}", autocommit=True, connect_timeout=3)


@contextlib.contextmanager
def throwaway_database() -> Iterator[str]:
    """The URL of a new, uniquely named, empty database, dropped afterwards (parallel runs are safe).

    Skips the test when the server is unreachable, except in CI (CI=true), where that is a failure.
    """
    try:
        admin = _admin()
    except psycopg.OperationalError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is unreachable in CI: {type(exc).__name__}")
        pytest.skip("PostgreSQL on 127.0.0.1:5432 is unreachable")
    name = f"mast_intake_test_{secrets.token_hex(6)}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{SERVER.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    finally:
        with _admin() as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def claim_worker(url: str, worker_id: str, message_ids: list[str], barrier, results) -> None:
    """Run in a separate process: claim each message, committing each claim as the service does."""
    from datetime import UTC, datetime

    engine = make_engine(url)
    factory = make_session_factory(engine)
    won = []
    barrier.wait()
    for message_id in message_ids:
        with SqlUnitOfWork(factory) as uow:
            row = uow.mail.claim("INBOX", message_id, "w@example.invalid", datetime.now(UTC), worker_id, 300)
            uow.commit()
        if row is not None:
            won.append(message_id)
    engine.dispose()
    results.put((worker_id, won))
