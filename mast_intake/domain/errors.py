"""What the meeting-cycle rules raise: each message says what is true, in plain words."""


class DomainError(Exception):
    """Base class for a rule of the meeting cycle that forbids what was asked."""


class InvalidTransition(DomainError):
    """A state change the rules do not allow (for example deciding an entry still queued)."""


class DecisionNotAllowed(InvalidTransition):
    """A decision for an entry not on an agenda, or a second decision that is not a correction."""


class DecisionInvalid(DomainError, ValueError):
    """The decision record is incomplete or inconsistent; ``problems`` lists each point."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class NotAMeetingDay(DomainError, ValueError):
    """The day asked for is not a meeting day (weekend, bank holiday, closure, bad date)."""


class MeetingOver(DomainError):
    """The meeting has taken place: nothing more can be placed on it."""
