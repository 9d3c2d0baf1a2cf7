"""The review reminder to the worker, and its escalation to MAST."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mast_intake.models.form import Category
from mast_intake.notifier.views.labels import band_label


@dataclass(frozen=True)
class ReminderView:
    """A reminder that a child's risk tool is due for review, or its escalation to MAST.

    Attributes:
        reference: The submission id of the child's latest tool.
        child_name: The child's name (body only).
        worker_name: The worker's display name.
        worker_address: The worker's address (shown in the escalation to MAST).
        latest_tool_date: When the latest tool was completed (or received).
        band: The band the review interval comes from (agreed level when known).
        interval_weeks: The review interval for that band.
        due_date: When the review was due.
        today: The day the reminder is written.
        escalation: False for the reminder to the worker, True for the escalation to MAST.
        reminded_on: When the worker was first reminded (used by the escalation).
        mast_address: Where the updated tool goes.
    """

    reference: str
    child_name: str
    worker_name: str
    worker_address: str
    latest_tool_date: date
    band: Category
    interval_weeks: int
    due_date: date
    today: date
    escalation: bool = False
    reminded_on: date | None = None
    mast_address: str = "nymast@northyorks.gov.uk"

    @property
    def days_overdue(self) -> int:
        """Days since the review was due (0 when due today or not yet due)."""
        return max(0, (self.today - self.due_date).days)

    @property
    def band_label(self) -> str:
        """The band as a word."""
        return band_label(self.band)
