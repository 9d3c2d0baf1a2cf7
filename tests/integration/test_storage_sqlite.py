"""The Alembic migration on SQLite: it creates every table, and matches the models exactly."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from mast_intake.storage import current_revision, head_revision, make_engine, upgrade
from mast_intake.storage.schema import downgrade
from mast_intake.storage.tables import APPEND_ONLY, metadata


def test_upgrade_creates_every_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/var/mast-intake.db"
    upgrade(url)
    engine = make_engine(url)
    try:
        tables = set(sa.inspect(engine).get_table_names())
        assert set(metadata.tables) <= tables
        assert tables - set(metadata.tables) == {"alembic_version"}
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_migration_matches_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/mast-intake.db"
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()


def test_upgrade_is_repeatable_and_downgrade_removes_everything(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/mast-intake.db"
    upgrade(url)
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            triggers = connection.exec_driver_sql("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'")
            assert {name for (name,) in triggers} == set(APPEND_ONLY)
        downgrade(engine, "base")
        assert set(sa.inspect(engine).get_table_names()) == {"alembic_version"}
        assert current_revision(engine) is None
    finally:
        engine.dispose()
