"""What the meeting-cycle rules raise: each message says what is true, in plain words."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One way a decision record falls short: the record field it is about, and what to do.

    ``field`` names a ``DecisionRecord`` field; ``action`` is the action's number (from 1) when the
    problem is about one of the actions. A form points its error at the field from these, not the text.
    """

    field: str
    message: str
    action: int | None = None


class DomainError(Exception):
    """Base class for a rule of the meeting cycle that forbids what was asked."""


class InvalidTransition(DomainError):
    """A state change the rules do not allow (for example deciding an entry still queued)."""


class DecisionNotAllowed(InvalidTransition):
    """A decision for an entry not on an agenda, or a second decision that is not a correction."""


class DecisionInvalid(DomainError, ValueError):
    """The decision record is incomplete or inconsistent; ``found`` lists each point with its field."""

    def __init__(self, found: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in found))
        self.found = found


class NotAMeetingDay(DomainError, ValueError):
    """The day asked for is not a meeting day (weekend, bank holiday, closure, bad date)."""


class MeetingOver(DomainError):
    """The meeting has taken place: nothing more can be placed on it."""
