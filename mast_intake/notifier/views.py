"""Plain, frozen view models that the message templates and the agenda document render.

A view carries already-decided facts as plain fields (strings, numbers, dates, tuples), so the
templates hold no business logic and the notifier does not depend on the validation package's
API. Whatever builds a view (the pipeline) copies the facts in; the small ``from_*`` helpers
here only cover the common conversions.

Child data rules kept by these types:

- Subjects are built from ``reference`` only (see ``compose``), never from a child's name or a
  file name, which workers often name after the child.
- ``AlertView`` holds no child data at all: only ids, counts and reason codes, and it refuses
  free text in those fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from mast_intake.domain.decisions import DecisionRecord
from mast_intake.domain.enums import CaseStatus, NrmOutcome
from mast_intake.domain.history import Trend
from mast_intake.models.finding import Finding, Severity
from mast_intake.models.form import CATEGORIES, DETAILS, ITEMS, Category
from mast_intake.parsers.rejections import REASONS

BAND_LABELS: dict[str, str] = {"low": "Low", "medium": "Medium", "high": "High"}

SEVERITY_HEADINGS: dict[Severity, str] = {
    Severity.MUST_FIX: "Must fix",
    Severity.SHOULD_FIX: "Should fix",
    Severity.ADVICE: "Advice",
}

SEVERITY_INTROS: dict[Severity, str] = {
    Severity.MUST_FIX: "Please correct these and send the tool again.",
    Severity.SHOULD_FIX: "Please put these right when you next update the tool.",
    Severity.ADVICE: "Suggestions from the good practice guide.",
}

SENDER_NOT_VERIFIED = "sender not verified"
"""Said beside the sender wherever mail is taken without sender verification (an explicit setting)."""

NO_ATTACHMENT = "no_attachment"
"""Reason code for an email that carried no Word or PDF attachment at all."""

NOT_REPLIED = frozenset({"sender_not_allowed", "sender_not_verified"})
"""Reasons that never get a reply to the sender; they go to the admin alert instead."""

REJECTION_TITLES: dict[str, str] = {
    "scanned": "It looks like a scan or photo",
    "encrypted": "It is password-protected",
    "legacy_doc": "It is an old-style Word file (.doc)",
    "macro_enabled": "It is a Word file with macros (.docm)",
    "corrupt": "It is damaged or incomplete",
    "unsupported_type": "It is not a Word or PDF file",
    "too_large": "It is too large",
    "limits_exceeded": "It is too complex to read safely",
    "not_a_risk_tool": "It does not contain the CSE risk guidance tool",
    "archive": "It is a zip file",
    "encrypted_email": "The email is encrypted",
    "over_cap": "It was one file too many",
    NO_ATTACHMENT: "There was no Word or PDF file attached",
}

NO_ATTACHMENT_MESSAGE = (
    "Your email did not have a Word (.docx) or PDF file attached. Please reply with the "
    "completed CSE risk guidance tool attached as a Word document (or a PDF saved from Word)."
)


QUOTE_CHARS = 50
"""How much of the worker's words a one-line list quotes."""


def shorten(words: str, limit: int = QUOTE_CHARS) -> str:
    """``words`` on one line, cut at a word boundary to at most ``limit`` characters plus "..."."""
    flat = " ".join(words.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(" ,.;:") + "..."


def band_label(category: str | None) -> str:
    """The band as a capitalised word, or "Not given" when there is none."""
    return BAND_LABELS.get(category or "", "Not given")


def band_rank(category: str | None) -> int:
    """0 for low, 1 for medium, 2 for high; -1 when no band is known."""
    return CATEGORIES.index(category) if category in CATEGORIES else -1


def item_label(key: str | None) -> str:
    """The form's label for an item or detail key; "The whole tool" when the key is None."""
    if key is None:
        return "The whole tool"
    if key in ITEMS:
        return ITEMS[key].label
    if key in DETAILS:
        return DETAILS[key].label
    if key == "summary":
        return "Additional professional comments (summary)"
    if key in {"total", "score"}:
        return "Risk assessment score"
    if key == "category":
        return "Risk category"
    return key.replace("_", " ").capitalize()


@dataclass(frozen=True)
class FindingView:
    """One finding as a message shows it.

    Attributes:
        code: The check's stable code, e.g. ``"NO_RATIONALE"``.
        severity: Must fix, should fix or advice.
        item_key: The form item it concerns, or None for the whole tool.
        item_label: The item's label as printed on the form.
        summary: The check's one-line summary (used on the agenda).
        message: What was found in this tool, in plain words.
        excerpt: The worker's own words the finding is about ("" when none).
        guide: The good practice guide sentence the finding rests on ("" when none).
        how_to_fix: What to do to put it right, in full ("" when none).
        short_fix: What to do, in one plain sentence, for emails ("" when none).
    """

    code: str
    severity: Severity
    item_key: str | None
    item_label: str
    summary: str
    message: str
    excerpt: str = ""
    guide: str = ""
    how_to_fix: str = ""
    short_fix: str = ""

    @property
    def short_label(self) -> str:
        """The item's label for a one-line list: without its "– Rationale ..." tail, at most 60 characters."""
        label = self.item_label.split(" \u2013 ", 1)[0]
        return shorten(label, 60)

    @property
    def quote(self) -> str:
        """The worker's words, cut to about ``QUOTE_CHARS`` characters at a word for a one-line list."""
        return shorten(self.excerpt)

    @property
    def must_fix(self) -> bool:
        """True for a finding that needs a corrected tool."""
        return self.severity is Severity.MUST_FIX

    @classmethod
    def from_finding(
        cls, finding: Finding, *, summary: str = "", guide: str = "", how_to_fix: str = "",
        short_fix: str = "",
    ) -> FindingView:
        """Copy a model ``Finding``, adding the rule's texts and the item's label."""
        return cls(
            code=finding.code,
            severity=Severity(finding.severity),
            item_key=finding.item,
            item_label=item_label(finding.item),
            summary=summary or finding.message,
            message=finding.message,
            excerpt=finding.excerpt,
            guide=guide,
            how_to_fix=how_to_fix,
            short_fix=short_fix,
        )


@dataclass(frozen=True)
class FindingGroup:
    """Findings of one severity, with the heading and introduction a message prints above them.

    Attributes:
        severity: The severity every finding in the group has.
        heading: "Must fix", "Should fix" or "Advice".
        intro: One sentence saying what the worker should do with these.
        findings: The findings, in the order they were given.
    """

    severity: Severity
    heading: str
    intro: str
    findings: tuple[FindingView, ...]


def group_findings(findings: Iterable[FindingView]) -> tuple[FindingGroup, ...]:
    """Group findings by severity, most severe first, keeping order within a group; no empties."""
    items = list(findings)
    groups = []
    for severity in sorted(Severity, key=lambda s: s.rank):
        members = tuple(f for f in items if f.severity is severity)
        if members:
            groups.append(
                FindingGroup(
                    severity, SEVERITY_HEADINGS[severity], SEVERITY_INTROS[severity], members
                )
            )
    return tuple(groups)


@dataclass(frozen=True)
class ScoreView:
    """The total and band the worker wrote beside the ones the service counted.

    Attributes:
        stated_total: The total written on the tool, or None when it was left blank or unreadable.
        stated_band: The risk category ticked or written, or None.
        computed_total: The total recounted from the items (one point at most per item).
        computed_band: The band that recounted total falls in.
    """

    stated_total: int | None
    stated_band: Category | None
    computed_total: int
    computed_band: Category

    @property
    def total_differs(self) -> bool:
        """True when a stated total was given and is not the recounted one."""
        return self.stated_total is not None and self.stated_total != self.computed_total

    @property
    def band_differs(self) -> bool:
        """True when a stated band was given and is not the recounted one."""
        return self.stated_band is not None and self.stated_band != self.computed_band

    @property
    def differs(self) -> bool:
        """True when either the total or the band differs."""
        return self.total_differs or self.band_differs

    @property
    def stated_total_text(self) -> str:
        """The stated total as text, "not given" when blank."""
        return "not given" if self.stated_total is None else str(self.stated_total)

    @property
    def stated_band_label(self) -> str:
        """The stated band as a word."""
        return band_label(self.stated_band)

    @property
    def computed_band_label(self) -> str:
        """The recounted band as a word."""
        return band_label(self.computed_band)


@dataclass(frozen=True)
class RejectedFileView:
    """A file we could not read, why, and what to do instead.

    Attributes:
        file_name: The attachment's file name as sent (shown to the sender only, in the body).
        reason: A reason code from ``parsers.rejections.REASONS`` or ``NO_ATTACHMENT``.
        message: What was wrong and what to do instead (the reason's message, which says both).
    """

    file_name: str
    reason: str
    message: str

    @classmethod
    def for_reason(cls, file_name: str, reason: str) -> RejectedFileView:
        """Build the view for a reason code; raises ValueError for reasons not replied to."""
        if reason in NOT_REPLIED:
            raise ValueError(f"reason {reason!r} is never replied to; send an admin alert")
        if reason == NO_ATTACHMENT:
            return cls(file_name, reason, NO_ATTACHMENT_MESSAGE)
        if reason not in REASONS:
            raise ValueError(f"unknown rejection reason {reason!r}")
        return cls(file_name, reason, REASONS[reason])


@dataclass(frozen=True)
class RejectionView:
    """The reply when none of the attachments could be read as a risk tool.

    It has no reference: no case was opened, and the reply threads under the worker's email.

    Attributes:
        worker_name: The sender's display name, for the greeting ("" when unknown).
        received_at: When the email reached the MAST mailbox.
        files: Each file that could not be read (empty when there was no attachment).
        no_attachment: True when the email had no Word or PDF attachment at all.
        mast_address: The mailbox to send the corrected tool to.
        sender_unverified: Sender verification is off (an explicit setting): the reply says so.
    """

    worker_name: str
    received_at: datetime
    files: tuple[RejectedFileView, ...] = ()
    no_attachment: bool = False
    mast_address: str = "nymast@northyorks.gov.uk"
    sender_unverified: bool = False

    def __post_init__(self) -> None:
        if not self.files and not self.no_attachment:
            raise ValueError("a rejection needs at least one file or no_attachment=True")

    @property
    def no_attachment_message(self) -> str:
        """What to do when nothing was attached."""
        return NO_ATTACHMENT_MESSAGE




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


AlertKind = Literal["quarantined", "sender_not_allowed", "sender_not_verified", "repeated_failures",
                    "database_damaged", "poll_digest",
                    "copied_text"]

ALERT_TITLES: dict[str, str] = {
    "quarantined": "A message was moved to quarantine",
    "sender_not_allowed": "A message came from a sender who is not allowed",
    "sender_not_verified": "Our mail servers do not vouch for a message's sender",
    "database_damaged": "The nightly database check failed",
    "repeated_failures": "Processing keeps failing",
    "poll_digest": "Messages were moved to quarantine in the last poll",
    "copied_text": "A tool holds a passage from a tool about another child",
}

_SAFE_TOKEN = re.compile(r"^[A-Za-z0-9_.:@<>/+=-]{1,200}$")


@dataclass(frozen=True)
class AlertView:
    """An alert to the service administrator. It carries NO child data.

    Only opaque ids, counts and reason codes are allowed; every id and reason is checked to be a
    single token (no spaces), so free text from a message or a file cannot slip in.

    Attributes:
        kind: What happened: quarantined, sender_not_allowed, sender_not_verified,
            repeated_failures, database_damaged, poll_digest (everything one poll cycle
            quarantined, in one alert) or copied_text (a tool holds another child's text).
        occurred_at: When it happened.
        ids: Opaque ids involved (mailbox keys, Message-IDs, submission ids).
        reasons: Reason codes with how many times each occurred, e.g. (("corrupt", 2),).
        attempts: How many attempts were made (for repeated failures), else 0.
        count: How many messages are affected.
    """

    kind: AlertKind
    occurred_at: datetime
    ids: tuple[str, ...] = ()
    reasons: tuple[tuple[str, int], ...] = ()
    attempts: int = 0
    count: int = 1

    def __post_init__(self) -> None:
        if self.kind not in ALERT_TITLES:
            raise ValueError(f"unknown alert kind {self.kind!r}")
        for token in (*self.ids, *(reason for reason, _ in self.reasons)):
            if not _SAFE_TOKEN.match(token):
                raise ValueError("alert ids and reasons must be single tokens without spaces")

    @property
    def title(self) -> str:
        """A one-line description of the kind of alert."""
        return ALERT_TITLES[self.kind]



DISPLAY_TZ = ZoneInfo("Europe/London")


def uk_date(value: date) -> str:
    """A date as UK readers write it: "Tuesday 5 May 2026"."""
    return f"{value:%A} {value.day} {value:%B %Y}"


def dmy_date(value: date) -> str:
    """A date as case management systems take it: "05/05/2026"."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(DISPLAY_TZ)
    return f"{value:%d/%m/%Y}"


def uk_datetime(value: datetime) -> str:
    """A moment in UK local time: "Tuesday 5 May 2026 at 09:30" (naive taken as local)."""
    if value.tzinfo is not None:
        value = value.astimezone(DISPLAY_TZ)
    return f"{uk_date(value)} at {value:%H:%M}"


def greeting_name(display_name: str) -> str:
    """The name to greet a worker by: the display name without a "(Team)" or " - Team" tail."""
    name = re.sub(r"\s*\([^()]*\)\s*$", "", display_name or "").strip()
    name = re.split(r"\s[-\u2013|]\s", name, maxsplit=1)[0].strip()
    if "," in name:
        last, _, first = name.partition(",")
        name = f"{first.strip()} {last.strip()}".strip()
    return name or "colleague"
