"""The MAST decision as the case note to the worker shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from mast_intake.domain.decisions import DecisionRecord
from mast_intake.domain.enums import CaseStatus, NrmOutcome
from mast_intake.models.form import CATEGORIES, Category
from mast_intake.notifier.views.findings import ScoreView
from mast_intake.notifier.views.labels import band_label

CASE_STATUS_TEXT: dict[str, str] = CaseStatus.labels()

NRM_TEXT: dict[str, str] = {
    NrmOutcome.REFERRED: (
        "A referral to the National Referral Mechanism (NRM) has been made. Please copy any "
        "update to modernslavery@northyorkshire.pnn.police.uk."
    ),
    NrmOutcome.NOT_REFERRED: (
        "A referral to the National Referral Mechanism (NRM) was considered; MAST did not "
        "refer at this time."
    ),
    NrmOutcome.NOT_APPLICABLE: "A National Referral Mechanism (NRM) referral does not apply.",
}


@dataclass(frozen=True)
class ActionView:
    """A recommendation or action agreed at the meeting.

    Attributes:
        text: What is to be done.
        owner: Who will do it (a person or a role).
        due: When it should be done by, if agreed.
    """

    text: str
    owner: str
    due: date | None = None


@dataclass(frozen=True)
class CaseNoteView:
    """The MAST decision, sent to the worker as a case note: the whole decision record.

    Attributes:
        reference: The case reference the worker received (``MAST-<id>``).
        child_name: The child's name (body only).
        worker_name: The worker's display name, for the greeting.
        agreed_band: The risk level agreed by MAST.
        case_status: A ``domain.enums.CaseStatus`` value.
        actions: Recommendations and actions, each with an owner and an optional due date.
        vemt_tier1: True when the child is to be discussed at VEMT Tier 1.
        nrm_decision: A ``domain.enums.NrmOutcome`` value.
        next_review: When the next risk tool is due (from the decision, at the agreed level).
        decided_by: Who decided: the person's name and role.
        decided_at: When the decision was made.
        notes: Any further words from the meeting ("" when none).
        score: The tool's stated and recounted scores, for the record, if wanted.
        corrects: The earlier case note this one corrects, as the worker knows it, or None.
        correction_reason: Why the earlier decision was corrected ("" when not a correction).
        level_rationale: Why MAST agreed this level.
        police_systems_updated: Whether police systems were updated, and ``police_updated_by`` who.
        nrm_referral_date, nrm_first_responder: The NRM referral's date and first responder.
        nrm_reason: Why an NRM referral was considered and not made.
        disruption: The disruption MAST considered ("" when none recorded).
    """

    reference: str
    child_name: str
    worker_name: str
    agreed_band: Category
    case_status: str
    actions: tuple[ActionView, ...]
    vemt_tier1: bool
    nrm_decision: str
    next_review: date
    decided_by: str
    decided_at: datetime
    notes: str = ""
    score: ScoreView | None = None
    corrects: str | None = None
    correction_reason: str = ""
    level_rationale: str = ""
    police_systems_updated: bool = False
    police_updated_by: str = ""
    nrm_referral_date: date | None = None
    nrm_first_responder: str = ""
    nrm_reason: str = ""
    disruption: str = ""

    @classmethod
    def from_decision(cls, record: DecisionRecord, *, reference: str, child_name: str, worker_name: str,
                      score: ScoreView | None = None, corrects: str | None = None) -> CaseNoteView:
        """The case note for a domain decision record."""
        assert record.next_review_date is not None, "the cycle sets the review date"
        return cls(
            reference=reference, child_name=child_name, worker_name=worker_name,
            agreed_band=record.level.value,  # type: ignore[arg-type]
            case_status=record.case_status.value,
            actions=tuple(ActionView(a.text, a.owner, a.due) for a in record.actions),
            vemt_tier1=record.tier1, nrm_decision=record.nrm.value, next_review=record.next_review_date,
            decided_by=record.decided_by_text, decided_at=record.decided_at, notes=record.notes,
            score=score, corrects=corrects, correction_reason=record.correction_reason,
            level_rationale=record.level_rationale, police_systems_updated=record.police_systems_updated,
            police_updated_by=record.police_updated_by, nrm_referral_date=record.nrm_referral_date,
            nrm_first_responder=record.nrm_first_responder, nrm_reason=record.nrm_reason,
            disruption=record.disruption,
        )

    def __post_init__(self) -> None:
        if self.case_status not in CASE_STATUS_TEXT:
            raise ValueError(f"unknown case status {self.case_status!r}")
        if self.nrm_decision not in NRM_TEXT:
            raise ValueError(f"unknown NRM decision {self.nrm_decision!r}")
        if self.agreed_band not in CATEGORIES:
            raise ValueError(f"unknown risk level {self.agreed_band!r}")

    @property
    def is_correction(self) -> bool:
        """True when this note corrects an earlier decision."""
        return self.corrects is not None

    @property
    def agreed_band_label(self) -> str:
        """The agreed level as a word."""
        return band_label(self.agreed_band)

    @property
    def case_status_text(self) -> str:
        """The case status as a label ("Added", "Closed after the closure review")."""
        return CASE_STATUS_TEXT[self.case_status]

    @property
    def has_due_dates(self) -> bool:
        """True when any action has a due date (the "By" column is shown only then)."""
        return any(action.due for action in self.actions)

    @property
    def nrm_text(self) -> str:
        """The NRM decision as a sentence."""
        return NRM_TEXT[self.nrm_decision]
