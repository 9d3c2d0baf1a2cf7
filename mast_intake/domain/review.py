"""When a child's next risk tool is due, one rule for every output, and the reminder schedule.

- Before MAST decides, the next review is due from the tool's assessment date (or its arrival
  when undated) at the band the tool states (its recount when none is stated).
- After a decision, it is due from the decision date at the level MAST agreed.
- The intervals come from settings (high 6 weeks, medium 8, low 12 by default).
- A due date already past is "overdue since" that date, and the worker is asked for an updated
  tool.

Reminders: once a review is overdue the worker is reminded (unless the child's latest tool is
still waiting for a meeting: MAST has not yet decided on it). MAST gets the escalation only when
the worker has had ``escalate_after_days`` days since that reminder, and it names the real day
the worker was reminded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal


@dataclass(frozen=True)
class ReviewIntervals:
    """Weeks between reviews, by band."""

    high: int = 6
    medium: int = 8
    low: int = 12

    def weeks_for(self, band: str) -> int:
        """The interval for ``band`` in weeks."""
        return {"high": self.high, "medium": self.medium, "low": self.low}[band]


@dataclass(frozen=True)
class ReviewDue:
    """When the next tool is due, and what the date counts from."""

    due: date
    band: str
    weeks: int
    counted_from: date
    after_decision: bool

    def overdue_on(self, today: date) -> bool:
        """True when the due date has passed by ``today``."""
        return today > self.due

    def days_overdue(self, today: date) -> int:
        """Days since the due date (0 when not overdue)."""
        return max(0, (today - self.due).days)

    def text(self, today: date) -> str:
        """The words every output uses: "due by Sunday 7 February 2027" or "overdue since ..."."""
        when = f"{self.due:%A} {self.due.day} {self.due:%B %Y}"
        if self.overdue_on(today):
            return f"overdue since {when}: please send an updated risk tool now"
        return f"due by {when}"


def review_due(*, assessed_on: date, stated_band: str, intervals: ReviewIntervals,
               decided_on: date | None = None, agreed_level: str | None = None) -> ReviewDue:
    """The one review rule: from the decision at the agreed level, else from the assessment."""
    if decided_on is not None and agreed_level is not None:
        weeks = intervals.weeks_for(agreed_level)
        return ReviewDue(decided_on + timedelta(weeks=weeks), agreed_level, weeks, decided_on, True)
    weeks = intervals.weeks_for(stated_band)
    return ReviewDue(assessed_on + timedelta(weeks=weeks), stated_band, weeks, assessed_on, False)


ReminderStep = Literal["none", "remind", "escalate"]


def reminder_step(due: date, today: date, *, reminded_on: date | None, escalated: bool,
                  waiting_for_meeting: bool, escalate_after_days: int) -> ReminderStep:
    """What to send today about one child's review: nothing, the worker's reminder, or MAST's."""
    if waiting_for_meeting or today <= due:
        return "none"
    if reminded_on is None:
        return "remind"
    if not escalated and (today - reminded_on).days >= escalate_after_days:
        return "escalate"
    return "none"
