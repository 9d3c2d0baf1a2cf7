"""The small storage interfaces the meeting-cycle rules need; the repositories implement them.

They only load and store. The rules (what may move where, what a decision must hold) are in
this package, so they can be tested on in-memory fakes without a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Protocol

from mast_intake.domain.agenda import Deferral, EntryLike
from mast_intake.domain.decisions import DecisionRecord


class AgendaStore(Protocol):
    """Agenda entries: find, lock, and store the moves the rules allow."""

    def get(self, entry_id: int) -> EntryLike | None:
        """The entry with this id, or None."""
        ...

    def for_submission(self, submission_id: int) -> EntryLike | None:
        """The entry for a submission, or None if it was never queued."""
        ...

    def lock(self, entry_id: int) -> EntryLike:
        """The entry, locked against a concurrent change until the transaction ends."""
        ...

    def waiting(self) -> Sequence[EntryLike]:
        """Every entry queued or deferred, in queue order."""
        ...

    def store_placed(self, entries: Iterable[EntryLike], day: date) -> None:
        """Store that these entries are on the agenda of ``day``."""
        ...

    def store_deferral(self, entry: EntryLike, deferral: Deferral) -> object:
        """Store that the entry is deferred to ``deferral.to_day``, and the deferral itself.

        What it returns (a repository may give the stored entry back) is not used by the rules.
        """
        ...

    def deferrals_of(self, entry_id: int) -> Sequence[Deferral]:
        """The entry's deferrals, oldest first."""
        ...


class DecisionStore(Protocol):
    """Decisions: append-only."""

    def current(self, entry_id: int) -> DecisionRecord | None:
        """The decision that stands for the entry (the newest, corrections included), or None."""
        ...

    def append(self, entry: EntryLike, record: DecisionRecord) -> DecisionRecord:
        """Store a decision (and mark the entry decided); returns it with its id."""
        ...


