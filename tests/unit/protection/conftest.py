"""Fixtures for the data protection tests: the storage tests' migrated SQLite, plus a key ring."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mast_intake.protection.attachments import AttachmentStore
from mast_intake.protection.crypto import AesGcmSealer, new_key, parse_keys
from mast_intake.storage import make_session_factory
from mast_intake.storage.unit_of_work import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.unit.storage.conftest import clock, migrated_template, sqlite_engine  # noqa: F401

NewUow = Callable[[], SqlUnitOfWork]


@pytest.fixture
def keys() -> list[str]:
    """Two fresh keys: the first is current."""
    return [new_key(), new_key()]


@pytest.fixture
def sealer(keys: list[str]) -> AesGcmSealer:
    return AesGcmSealer(parse_keys(keys[:1]))


@pytest.fixture
def sealed_uow(sqlite_engine: Engine, clock: FakeClock, sealer: AesGcmSealer) -> NewUow:  # noqa: F811
    factory = make_session_factory(sqlite_engine)
    return lambda: SqlUnitOfWork(factory, sealer=sealer, clock=clock)


@pytest.fixture
def store(tmp_path: Path, sealer: AesGcmSealer) -> AttachmentStore:
    return AttachmentStore(tmp_path / "data" / "attachments", sealer)
