"""The storage contract on SQLite and on the in-memory fakes the service tests use."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mast_intake.intake.unit_of_work import AbstractUnitOfWork
from tests.storage_contract import RepositoryContract


class TestSqliteRepositories(RepositoryContract):
    @pytest.fixture
    def new_uow(self, sql_uow: Callable[[], AbstractUnitOfWork]) -> Callable[[], AbstractUnitOfWork]:
        return sql_uow


class TestFakeRepositories(RepositoryContract):
    @pytest.fixture
    def new_uow(self, fake_uow: Callable[[], AbstractUnitOfWork]) -> Callable[[], AbstractUnitOfWork]:
        return fake_uow
