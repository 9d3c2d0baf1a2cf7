"""Storage: tables, engines, migrations and repositories for the intake's database."""

from mast_intake.storage.engine import make_engine, make_session_factory
from mast_intake.storage.errors import (
    DecisionNotAllowed,
    InvalidTransition,
    LeaseLost,
    NotFound,
    StorageError,
)
from mast_intake.storage.schema import current_revision, head_revision, migrate, upgrade
from mast_intake.storage.sealing import PlainText, Sealer

__all__ = [
    "DecisionNotAllowed",
    "InvalidTransition",
    "LeaseLost",
    "NotFound",
    "PlainText",
    "Sealer",
    "StorageError",
    "current_revision",
    "head_revision",
    "make_engine",
    "make_session_factory",
    "migrate",
    "upgrade",
]
