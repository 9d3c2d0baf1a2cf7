"""The view of the pre-check reply: what to fix first, then the score, the review date, the details.

Laid out so a worker can act on it in a minute: the first screen says what happens next and
lists the must-fix points one line each (item, what to do, the worker's words); the longer
explanation and the guide's words are in the attached review copy's Word comments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from mast_intake.models.finding import Severity
from mast_intake.models.form import Category
from mast_intake.notifier.views.dates import uk_date
from mast_intake.notifier.views.findings import FindingGroup, FindingView, ScoreView, group_findings
from mast_intake.notifier.views.labels import band_label
from mast_intake.notifier.views.rejections import RejectedFileView


@dataclass(frozen=True)
class CountedItemView:
    """One item the service counted towards the total, as the score explanation lists it.

    Attributes:
        label: The item's label as printed on the form.
        first_words: The first words of the point counted (the first one scored in the box).
        points_in_box: How many points the worker scored in that box (two "1-" lines give 2);
            the service counts one at most.
    """

    label: str
    first_words: str
    points_in_box: int = 1

    @property
    def several_points(self) -> bool:
        """True when the box holds more than one scored point, of which one was counted."""
        return self.points_in_box > 1


@dataclass(frozen=True)
class ReviewDateView:
    """When the tool should next be reviewed, and whether that day has passed.

    Attributes:
        due: The review date (assessment date plus the band's interval).
        weeks: The review interval in weeks.
        band: The risk level the interval comes from.
        today: The day the tool was received.
    """

    due: date
    weeks: int
    band: Category
    today: date

    @property
    def overdue(self) -> bool:
        """True when the review date is before the day the tool arrived."""
        return self.due < self.today

    @property
    def sentence(self) -> str:
        """The review date in one plain sentence, saying "overdue since" when it has passed."""
        if self.overdue:
            return (f"This review is overdue since {uk_date(self.due)}. "
                    "Please send an updated tool as soon as you can.")
        return (f"Please send an updated tool by {uk_date(self.due)} ({self.weeks} weeks at "
                f"{band_label(self.band).lower()} risk), or sooner if anything changes.")


@dataclass(frozen=True)
class PrecheckView:
    """The pre-check reply to the worker who sent a risk tool.

    Attributes:
        reference: The case reference, "MAST-<id>" (the subject carries this, never the child's name).
        file_name: The attachment the tool was read from.
        worker_name: The sender's display name ("" when unknown).
        child_name: The child's name as written on the tool (body only), or "" when blank.
        received_at: When the email reached the MAST mailbox.
        score: Stated and recounted totals and bands.
        findings: Every finding, in any order; the message groups them by severity.
        meeting_at: The MAST CSE meeting the tool is expected to go to.
        mast_address: The mailbox to send a corrected tool to.
        rejected_files: Other attachments in the same email that could not be read.
        review_copy_name: The attached review copy's file name ("" when none is attached).
        counted_items: The items counted towards the recounted total, in form order.
        review: The next review date, when the tool gives an assessment date.
        sender_unverified: Sender verification is off (an explicit setting): the reply says so.
    """

    reference: str
    file_name: str
    worker_name: str
    child_name: str
    received_at: datetime
    score: ScoreView
    findings: tuple[FindingView, ...]
    meeting_at: datetime
    mast_address: str = "nymast@northyorks.gov.uk"
    rejected_files: tuple[RejectedFileView, ...] = ()
    review_copy_name: str = ""
    counted_items: tuple[CountedItemView, ...] = ()
    review: ReviewDateView | None = None
    sender_unverified: bool = False

    @property
    def groups(self) -> tuple[FindingGroup, ...]:
        """Findings grouped by severity, must fix first."""
        return group_findings(self.findings)

    @property
    def needs_correction(self) -> bool:
        """True when any finding is must fix, so a corrected tool is asked for."""
        return any(f.must_fix for f in self.findings)

    @property
    def must_fix_count(self) -> int:
        """How many must-fix findings there are."""
        return sum(1 for f in self.findings if f.must_fix)

    @property
    def other_count(self) -> int:
        """How many findings are should fix or advice."""
        return sum(1 for f in self.findings if f.severity is not Severity.MUST_FIX)
