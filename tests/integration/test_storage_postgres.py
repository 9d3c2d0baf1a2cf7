"""Storage on the real PostgreSQL: the migration, the shared contract, append-only, concurrency."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from mast_intake.models.rows import metadata
from mast_intake.storage import current_revision, head_revision, make_engine, make_session_factory, migrate
from mast_intake.storage.unit_of_work import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.integration.db_fixtures import claim_worker, throwaway_database
from tests.storage_contract import RepositoryContract, add_submission, decide

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with throwaway_database() as url:
        yield url


@pytest.fixture(scope="module")
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clean_pg(pg_engine: Engine) -> Iterator[Engine]:
    yield pg_engine
    tables = ", ".join(table.name for table in metadata.sorted_tables)
    with pg_engine.begin() as connection:
        # Replica mode skips the append-only triggers, which refuse TRUNCATE of audit_log.
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_migration_reaches_head_and_matches_the_models(pg_engine: Engine) -> None:
    assert current_revision(pg_engine) == head_revision()
    with pg_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


class TestPostgresRepositories(RepositoryContract):
    @pytest.fixture
    def new_uow(self, clean_pg: Engine, clock: FakeClock) -> Callable[[], SqlUnitOfWork]:
        factory = make_session_factory(clean_pg)
        return lambda: SqlUnitOfWork(factory, clock=clock)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE decision SET level = 'low'",
        "UPDATE audit_log SET detail = 'x'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ],
)
def test_the_database_refuses_changes_to_append_only_tables(clean_pg: Engine, statement: str) -> None:
    factory = make_session_factory(clean_pg)
    with SqlUnitOfWork(factory) as uow:
        entry = uow.agenda.enqueue(add_submission(uow), False, False)
        uow.agenda.place_on_meeting([entry], date(2026, 3, 2))
        decide(uow, entry)
        uow.audit.append("system", "processed", "message", 1)
        uow.commit()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), clean_pg.begin() as connection:
        connection.exec_driver_sql(statement)


def _claim_in_two_processes(url: str, ids: list[str]) -> dict[str, list[str]]:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=claim_worker, args=(url, name, ids, barrier, results)) for name in ("a", "b")
    ]
    for worker in workers:
        worker.start()
    won = dict(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    return won


@pytest.mark.slow
def test_two_processes_claim_each_message_exactly_once(clean_pg: Engine, postgres_url: str) -> None:
    ids = [f"<race-{n}@example.invalid>" for n in range(50)]
    won = _claim_in_two_processes(postgres_url, ids)
    assert sorted(won["a"] + won["b"]) == sorted(ids)

    # Now every message has failed once: claiming them again goes through the row-locking path.
    factory = make_session_factory(clean_pg)
    with SqlUnitOfWork(factory) as uow:
        for message_id in ids:
            uow.mail.mark_failed(message_id, "TimeoutError")
        uow.commit()
    won = _claim_in_two_processes(postgres_url, ids)
    assert sorted(won["a"] + won["b"]) == sorted(ids)
    with SqlUnitOfWork(factory) as uow:
        assert uow.mail.counts()["claimed"] == 50
        assert {uow.mail.get(m).attempts for m in ids} == {1}


def test_agenda_sent_once_between_two_sessions(clean_pg: Engine) -> None:
    factory = make_session_factory(clean_pg)
    day = date(2026, 3, 2)
    first, second = SqlUnitOfWork(factory), SqlUnitOfWork(factory)
    with first:
        first.meetings.get_or_create(day)
        first.commit()
    with first, second:
        assert first.meetings.mark_agenda_sent(day) is True
        first.commit()
        # The second session started before the first committed, and still sees it as sent.
        assert second.meetings.mark_agenda_sent(day) is False


def test_timestamps_are_stored_with_their_time_zone(clean_pg: Engine) -> None:
    factory = make_session_factory(clean_pg)
    with SqlUnitOfWork(factory) as uow:
        row = uow.audit.append("system", "processed", "message", 1)
        uow.commit()
    with clean_pg.connect() as connection:
        kind = connection.exec_driver_sql(
            "SELECT data_type FROM information_schema.columns"
            " WHERE table_name = 'audit_log' AND column_name = 'at'"
        ).scalar()
    assert kind == "timestamp with time zone" and row.at.tzinfo == UTC
    assert isinstance(row.at, datetime)
