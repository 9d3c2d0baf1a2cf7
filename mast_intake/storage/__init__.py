"""Storage: tables, engines, migrations and repositories for the intake's database."""

from mast_intake.storage.engine import make_engine, make_session_factory
from mast_intake.storage.schema import current_revision, head_revision, migrate, upgrade

__all__ = [
    "current_revision",
    "head_revision",
    "make_engine",
    "make_session_factory",
    "migrate",
    "upgrade",
]
