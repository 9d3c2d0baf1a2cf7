"""The Alembic migration on SQLite: it creates every table, and matches the models exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from mast_intake.models.rows import APPEND_ONLY, metadata
from mast_intake.storage import current_revision, head_revision, make_engine, make_session_factory, upgrade
from mast_intake.storage.repositories.decisions import SqlDecisionRepository
from mast_intake.storage.schema import downgrade, migrate


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


def test_0004_keeps_older_decisions_and_the_append_only_trigger(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/mast-intake.db")
    try:
        migrate(engine, "0002")
        now = "2026-03-02 10:00:00"
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO submission (id, message_id, sha256, file_name, kind, sender, received_at, "
                f"status, created_at) VALUES (1, '<m@x.invalid>', 'ab', 'f', 'docx', 's@x.invalid', '{now}', "
                f"'parsed', '{now}')")
            connection.exec_driver_sql(
                "INSERT INTO agenda_entry (id, submission_id, state, queued_at, is_review, "
                "needs_correction, deferrals, created_at, updated_at) "
                f"VALUES (1, 1, 'decided', '{now}', 0, 0, 0, '{now}', '{now}')")
            connection.exec_driver_sql(
                "INSERT INTO decision (id, agenda_entry_id, submission_id, level, case_status, "
                "recommendations, actions_json, tier1, nrm, decided_by, decided_at, created_at) "
                "VALUES (1, 1, 1, 'medium', "
                f"'added', 'r', '[]', 0, 'yes', 'Chair', '{now}', '{now}')")
        migrate(engine)
        with make_session_factory(engine)() as session:
            record = SqlDecisionRepository(session).current(1)
        assert record is not None and record.nrm == "referred" and record.level_rationale == ""
        with engine.begin() as connection, pytest.raises(sa.exc.DatabaseError, match="append-only"):
            connection.exec_driver_sql("UPDATE decision SET level = 'high'")
        with engine.begin() as connection, pytest.raises(sa.exc.IntegrityError):
            connection.exec_driver_sql(
                "INSERT INTO decision (agenda_entry_id, submission_id, level, case_status, recommendations, "
                "actions_json, tier1, nrm, decided_by, decided_at, created_at) VALUES (1, 1, 'medium', "
                f"'closed', 'r', '[]', 0, 'referred', 'Chair', '{now}', '{now}')")
    finally:
        engine.dispose()
