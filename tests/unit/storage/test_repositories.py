"""The storage contract on SQLite (tests/integration runs it on PostgreSQL too)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mast_intake.storage.unit_of_work import SqlUnitOfWork
from tests.storage_contract import RepositoryContract


class TestSqliteRepositories(RepositoryContract):
    @pytest.fixture
    def new_uow(self, sql_uow: Callable[[], SqlUnitOfWork]) -> Callable[[], SqlUnitOfWork]:
        return sql_uow
