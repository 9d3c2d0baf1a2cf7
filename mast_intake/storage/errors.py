"""What the storage layer raises when asked to do something the rules forbid."""


class StorageError(Exception):
    """Base class for storage rule violations."""


class NotFound(StorageError):
    """The row asked for does not exist."""


class InvalidTransition(StorageError):
    """A state change the rules do not allow (for example deciding an entry still queued)."""


class DecisionNotAllowed(InvalidTransition):
    """A decision for an entry not on an agenda, or a second decision that is not a correction."""


class LeaseLost(StorageError):
    """Another worker has claimed this message since; this worker must stop handling it."""
