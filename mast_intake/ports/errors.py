"""What repositories raise (any implementation); the meeting-cycle rule errors come from the domain."""

from mast_intake.domain.errors import DecisionNotAllowed, InvalidTransition

__all__ = ["DecisionNotAllowed", "InvalidTransition", "LeaseLost", "NotFound", "StorageError"]


class StorageError(Exception):
    """Base class for storage rule violations."""


class NotFound(StorageError):
    """The row asked for does not exist."""


class LeaseLost(StorageError):
    """Another worker has claimed this message since; this worker must stop handling it."""
