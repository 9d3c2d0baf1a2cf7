"""Fixtures for the storage unit tests: a migrated SQLite file per test."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mast_intake.storage import make_engine, make_session_factory, migrate
from mast_intake.storage.unit_of_work import SqlUnitOfWork
from tests.fakes import FakeClock


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated once per session; each test gets a copy (faster than migrating)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    # Closing the last connection checkpoints the WAL into the main file, so one file is enough.
    engine.dispose()
    return path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sqlite_engine(migrated_template: Path, tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "data" / "mast-intake.db"
    path.parent.mkdir(mode=0o700)
    shutil.copyfile(migrated_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def sql_uow(sqlite_engine: Engine, clock: FakeClock) -> Callable[[], SqlUnitOfWork]:
    factory = make_session_factory(sqlite_engine)
    return lambda: SqlUnitOfWork(factory, clock=clock)
