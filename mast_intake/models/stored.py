"""Plain values that repositories return besides rows: a report's tool row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class ToolRow:
    """One parsed tool as the partnership report reads it: stored facts only, no free text.

    ``child_first_at`` is when the child's first tool arrived; ``level``, ``nrm`` and ``tier1``
    come from the tool's latest decision (None when undecided), ``decided_at`` from its first.
    ``sex`` and ``codes`` are the remembered facts (``tool_fact``): a report category and the
    findings' check codes, space-separated.
    """

    submission_id: int
    received_at: datetime
    child_id: int | None
    sender: str
    assessment_date: date | None
    dob: date | None
    child_first_at: datetime | None
    sex: str
    codes: str
    level: str | None
    nrm: str | None
    tier1: bool | None
    decided_at: datetime | None
