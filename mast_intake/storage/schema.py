"""Bring a database's schema up to date with the packaged Alembic revisions; no alembic.ini needed."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, Engine

from mast_intake.storage.engine import make_engine

SCRIPT_LOCATION = "mast_intake.storage:migrations"


def alembic_config() -> Config:
    """An Alembic configuration pointing at the migrations inside this package."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def head_revision() -> str:
    """The newest revision the package ships."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None before the first migration."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database behind ``engine`` to ``revision``, in one transaction."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrade the database behind ``engine`` to ``revision`` (for tests and emergencies)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def upgrade(url: str | URL) -> None:
    """Make an engine for ``url``, upgrade it to the newest revision, and dispose of it."""
    engine = make_engine(url)
    try:
        migrate(engine)
    finally:
        engine.dispose()
