"""The pre-checked agenda of a MAST CSE meeting and each case on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from mast_intake.domain.history import Trend
from mast_intake.models.form import Category
from mast_intake.notifier.views.dates import uk_date
from mast_intake.notifier.views.findings import FindingGroup, FindingView, ScoreView, group_findings
from mast_intake.notifier.views.labels import SENDER_NOT_VERIFIED, band_label


@dataclass(frozen=True)
class AgendaCaseView:
    """One child's tool as it appears on the MAST CSE meeting agenda.

    Attributes:
        reference: The submission id.
        child_name: The child's name as written on the tool.
        child_age: Age in years, or None when not known.
        worker_name: The sender's display name.
        worker_address: The sender's email address.
        team: The worker's team when known (from the display name or the domain), else "".
        received_at: When the tool reached the MAST mailbox.
        score: Stated and recounted totals and bands.
        consider_band: The band MAST should consider: the higher of stated and recounted.
        findings: The tool's findings (the agenda shows summaries, must fix marked).
        is_review: False for a new case, True for a review of a child already discussed.
        trend: Comparison with the child's previous tool (``domain.history``), None for a first tool.
        review_due: When the next tool is due (``domain.review``: from the assessment at the
            stated band before a decision, from the decision at the agreed level after).
        review_text: The same date as a sentence that says when it is already overdue.
        consider_nrm: Prompt to consider a National Referral Mechanism referral.
        over_18: Prompt for transition planning (18 or nearly 18).
        leaving_care: Prompt to check a leaving care case worker is in place.
        closure_requested: The worker's summary asks to close the CSE case.
        awaiting_correction: Must-fix findings are open and a corrected tool is awaited.
        deferred_from: The meeting the case was deferred from (its latest deferral), else None.
        deferred_to: On the meeting a case was deferred from: the meeting it went to, else None.
        sender_unverified: Sender verification is off (an explicit setting): the worker line
            says "sender not verified".
    """

    reference: str
    child_name: str
    child_age: int | None
    worker_name: str
    worker_address: str
    team: str
    received_at: datetime
    score: ScoreView
    consider_band: Category
    findings: tuple[FindingView, ...] = ()
    is_review: bool = False
    trend: Trend | None = None
    review_due: date | None = None
    review_text: str = ""
    consider_nrm: bool = False
    over_18: bool = False
    leaving_care: bool = False
    closure_requested: bool = False
    awaiting_correction: bool = False
    deferred_from: date | None = None
    deferred_to: date | None = None
    sender_unverified: bool = False

    @property
    def kind(self) -> str:
        """New or Review, as a word."""
        return "Review" if self.is_review else "New"

    @property
    def consider_band_label(self) -> str:
        """The considered band as a word."""
        return band_label(self.consider_band)

    @property
    def age_text(self) -> str:
        """The age as "15", or "age not known"."""
        return "age not known" if self.child_age is None else str(self.child_age)

    @property
    def worker_text(self) -> str:
        """Worker, address and team on one line."""
        who = self.worker_name or self.worker_address
        if self.worker_name and self.worker_address:
            who = f"{self.worker_name} <{self.worker_address}>"
        who = f"{who} ({self.team})" if self.team else who
        return f"{who} - {SENDER_NOT_VERIFIED}" if self.sender_unverified else who

    @property
    def groups(self) -> tuple[FindingGroup, ...]:
        """Findings grouped by severity, must fix first."""
        return group_findings(self.findings)

    @property
    def prompts(self) -> tuple[str, ...]:
        """The questions MAST is prompted to consider for this case, in a fixed order."""
        prompts = []
        if self.deferred_to is not None:
            prompts.append(f"Deferred at this meeting to the meeting on {uk_date(self.deferred_to)}.")
        elif self.deferred_from is not None:
            prompts.append(f"Deferred from the meeting on {uk_date(self.deferred_from)}.")
        if self.awaiting_correction:
            prompts.append("Awaiting a corrected tool from the worker (must-fix points open).")
        if self.closure_requested:
            prompts.append(
                "The worker asks to close the case: review the risk level before closure, "
                "update police systems, and consider discussion at VEMT Tier 1 after closure."
            )
        if self.consider_nrm:
            prompts.append(
                "Consider a National Referral Mechanism (NRM) referral: possible trafficking."
            )
        if self.over_18:
            prompts.append(
                "18 or nearly 18: agree a transition plan; consider adult social care and MARAC."
            )
        if self.leaving_care:
            prompts.append("Check a leaving care case worker is allocated and joins the reviews.")
        return tuple(prompts)


@dataclass(frozen=True)
class AgendaView:
    """The pre-checked agenda for one MAST CSE meeting.

    Attributes:
        meeting_at: Date and time of the meeting (timezone-aware, meeting timezone).
        cutoff_at: Tools received before this time are on this agenda.
        cases: The cases in agenda order (see ``agenda.order_cases``).
        generated_at: When the agenda was built.
    """

    meeting_at: datetime
    cutoff_at: datetime
    cases: tuple[AgendaCaseView, ...]
    generated_at: datetime

    def cases_in(self, band: str) -> tuple[AgendaCaseView, ...]:
        """The cases whose considered band is ``band``, in agenda order."""
        return tuple(c for c in self.cases if c.consider_band == band)

    @property
    def sections(self) -> tuple[tuple[str, tuple[AgendaCaseView, ...]], ...]:
        """(band label, cases) for high, medium and low, skipping empty bands."""
        out = []
        for band in ("high", "medium", "low"):
            cases = self.cases_in(band)
            if cases:
                out.append((band_label(band), cases))
        return tuple(out)

    @property
    def counts(self) -> dict[str, int]:
        """How many cases there are in each band, and in total."""
        counts = {band: len(self.cases_in(band)) for band in ("high", "medium", "low")}
        counts["total"] = len(self.cases)
        return counts
