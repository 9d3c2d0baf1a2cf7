"""Start-up and nightly database checks on PostgreSQL: an empty database is set up, a foreign or
unknown schema is refused with nothing written."""

from __future__ import annotations

import psycopg
import pytest

from mast_intake.storage.integrity import DatabaseUnusable, nightly_problem, prepare_database
from mast_intake.storage.schema import head_revision
from tests.integration.db_fixtures import throwaway_database

pytestmark = pytest.mark.postgres


def plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def test_an_empty_database_is_set_up_and_passes_the_nightly_check() -> None:
    with throwaway_database() as url:
        prepare_database(url)
        with psycopg.connect(plain(url)) as connection:
            assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
                (head_revision(),)]
        assert nightly_problem(url) is None
        prepare_database(url)


def test_a_foreign_schema_is_refused_untouched() -> None:
    with throwaway_database() as url:
        with psycopg.connect(plain(url)) as connection:
            connection.execute("CREATE TABLE invoices (id integer)")
        with pytest.raises(DatabaseUnusable, match="holds tables but no schema revision"):
            prepare_database(url)
        with psycopg.connect(plain(url)) as connection:
            tables = connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            assert [t for (t,) in tables] == ["invoices"]


def test_an_unknown_revision_is_refused() -> None:
    with throwaway_database() as url:
        prepare_database(url)
        with psycopg.connect(plain(url)) as connection:
            connection.execute("UPDATE alembic_version SET version_num = 'abcdef'")
        with pytest.raises(DatabaseUnusable, match="revision abcdef"):
            prepare_database(url)
        assert "abcdef" in (nightly_problem(url) or "")


def test_an_unreachable_server_is_one_line() -> None:
    with pytest.raises(DatabaseUnusable, match="cannot be reached") as refused:
        prepare_database("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert "\n" not in str(refused.value)
