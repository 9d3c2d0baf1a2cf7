"""What the pages show, built from the repositories into typed views for the templates.

Kept apart from the routes so the routes only deal with HTTP, and so no template ever reaches
into the database. Everything here runs inside a unit of work the caller opened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from markupsafe import Markup, escape

from mast_intake.domain.decisions import Action, DecisionRecord
from mast_intake.domain.enums import AgendaState, CaseStatus, NrmOutcome
from mast_intake.models.assessment import Assessment
from mast_intake.models.codec import finding_from_dict, record_from_storage
from mast_intake.models.finding import Severity
from mast_intake.models.form import DETAILS, ITEMS, SECTIONS
from mast_intake.models.rows import AgendaEntry, Child, Submission
from mast_intake.notifier.replies import finding_view, score_view
from mast_intake.notifier.views.findings import FindingView, ScoreView
from mast_intake.notifier.views.labels import band_label, item_label
from mast_intake.notifier.views.rejections import REJECTION_TITLES
from mast_intake.storage.unit_of_work import SqlUnitOfWork
from mast_intake.web.changes import Changes, compare
from mast_intake.web.chart import Point, score_chart

SEVERITY_LABELS = {Severity.MUST_FIX: "Must fix", Severity.SHOULD_FIX: "Should fix",
                   Severity.ADVICE: "Advice"}
# The value lists are the domain's (one source for the CLI, web, templates and tables).
STATE_LABELS = AgendaState.labels()
CASE_STATUS_LABELS = CaseStatus.labels()
NRM_LABELS = NrmOutcome.labels()


def highlight(text: str, excerpts: list[str]) -> Markup:
    """``text`` escaped, with every excerpt a finding quotes wrapped in ``<mark>``."""
    wanted = [e.strip() for e in excerpts if e and e.strip() and e.strip() in text]
    if not wanted:
        return Markup(escape(text))
    pattern = re.compile("|".join(re.escape(e) for e in sorted(set(wanted), key=len, reverse=True)))
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last:match.start()]))
        out.append(Markup("<mark>") + escape(match.group(0)) + Markup("</mark>"))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


@dataclass
class ItemRow:
    """One of the 29 items as the page shows it, with the findings about it."""

    key: str
    label: str
    score: int
    counted: int
    rationale: Markup
    updates: list[tuple[date | None, Markup]]
    found: bool
    findings: list[FindingView] = field(default_factory=list)


@dataclass
class SectionBlock:
    key: str
    heading: str
    instruction: str
    items: list[ItemRow]


@dataclass
class DetailRow:
    """One of the child's details as the tool gave it, with the findings about it."""

    key: str
    label: str
    value: Markup
    findings: list[FindingView]


@dataclass
class DecisionView:
    """A stored decision as the submission page lists it (labels in words, the record beside them)."""

    record: DecisionRecord
    id: int | None
    corrects: int | None
    correction_reason: str
    level: str
    level_key: str
    level_rationale: str
    case_status: str
    police_systems_updated: bool
    police_updated_by: str
    nrm: str
    nrm_referral_date: date | None
    nrm_first_responder: str
    nrm_reason: str
    tier1: bool
    disruption: str
    next_review_date: date | None
    actions: tuple[Action, ...]
    notes: str
    decided_by: str
    decided_at: datetime

    @classmethod
    def of(cls, d: DecisionRecord) -> DecisionView:
        """The view of decision ``d``."""
        return cls(
            record=d, id=d.id, corrects=d.corrects_decision_id, correction_reason=d.correction_reason,
            level=band_label(d.level), level_key=d.level.value, level_rationale=d.level_rationale,
            case_status=d.case_status.label, police_systems_updated=d.police_systems_updated,
            police_updated_by=d.police_updated_by, nrm=d.nrm.label, nrm_referral_date=d.nrm_referral_date,
            nrm_first_responder=d.nrm_first_responder, nrm_reason=d.nrm_reason, tier1=d.tier1,
            disruption=d.disruption, next_review_date=d.next_review_date, actions=d.actions, notes=d.notes,
            decided_by=d.decided_by_text, decided_at=d.decided_at)


@dataclass
class SubmissionPage:
    """Everything the submission page (and meeting mode) shows about one stored tool.

    The fields after ``record`` are filled only when the tool was read (``record`` is not None).
    """

    submission: Submission
    reference: str
    file_name: str
    entry: AgendaEntry | None
    state_label: str
    decisions: list[DecisionView]
    rejected_title: str | None
    record: Assessment | None = None
    score: ScoreView | None = None
    findings: list[FindingView] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    general: list[FindingView] = field(default_factory=list)
    details: list[DetailRow] = field(default_factory=list)
    sections: list[SectionBlock] = field(default_factory=list)
    summary: Markup = field(default_factory=Markup)
    summary_findings: list[FindingView] = field(default_factory=list)
    child: Child | None = None
    changes: Changes | None = None
    must_fix: list[FindingView] = field(default_factory=list)


def _by_item(findings: list[FindingView]) -> dict[str | None, list[FindingView]]:
    grouped: dict[str | None, list[FindingView]] = {}
    for finding in sorted(findings, key=lambda f: f.severity.rank):
        grouped.setdefault(finding.item_key, []).append(finding)
    return grouped


def submission_page(uow: SqlUnitOfWork, submission: Submission) -> SubmissionPage:
    """Everything the submission page shows about one stored tool."""
    assert submission.id is not None
    entry = uow.agenda.for_submission(submission.id)
    decisions = []
    if entry is not None and entry.id is not None:
        decisions = [DecisionView.of(uow.decisions.to_record(row))
                     for row in uow.decisions.for_entry(entry.id)]
    page = SubmissionPage(
        submission=submission,
        reference=f"MAST-{submission.id}",
        file_name=uow.submissions.file_name(submission),
        entry=entry,
        state_label=STATE_LABELS.get(entry.state, entry.state) if entry else "Not queued for MAST",
        decisions=decisions,
        rejected_title=REJECTION_TITLES.get(submission.reason or "", submission.reason),
    )
    stored = uow.submissions.record(submission)
    if stored is None:
        return page
    record = record_from_storage(stored)
    findings = [finding_view(finding_from_dict(f)) for f in uow.submissions.findings(submission)]
    grouped = _by_item(findings)
    return replace(
        page,
        record=record,
        score=score_view(record),
        findings=findings,
        counts={SEVERITY_LABELS[s]: sum(1 for f in findings if f.severity is s) for s in Severity},
        general=[f for key, fs in grouped.items() if key is None or key not in ITEMS and key not in DETAILS
                 and key != "summary" for f in fs],
        details=_details(record, grouped),
        sections=_sections(record, grouped),
        summary=highlight(record.summary, [f.excerpt for f in grouped.get("summary", [])]),
        summary_findings=grouped.get("summary", []),
        child=uow.children.get(submission.child_id) if submission.child_id else None,
        changes=changes_since_previous(uow, submission, record),
        must_fix=[f for f in findings if f.severity is Severity.MUST_FIX],
    )


def _details(record: Assessment, grouped: dict[str | None, list[FindingView]]) -> list[DetailRow]:
    rows = []
    for key, spec in DETAILS.items():
        value = record.child.fields.get(key, "")
        found = grouped.get(key, [])
        rows.append(DetailRow(key, spec.label, highlight(value, [f.excerpt for f in found]), found))
    return rows


def _sections(record: Assessment, grouped: dict[str | None, list[FindingView]]) -> list[SectionBlock]:
    blocks = []
    for key, section in SECTIONS.items():
        rows = []
        for item_key, spec in ITEMS.items():
            if spec.section != key:
                continue
            item = record.items[item_key]
            found = grouped.get(item_key, [])
            excerpts = [f.excerpt for f in found]
            rows.append(ItemRow(
                key=item_key, label=spec.label, score=item.score, counted=item.counted,
                rationale=highlight(item.rationale, excerpts),
                updates=[(u.date, highlight(u.text, excerpts)) for u in item.updates],
                found=item.found, findings=found,
            ))
        blocks.append(SectionBlock(key, section.heading, section.instruction, rows))
    return blocks


@dataclass
class AssessmentRow:
    """One of a child's assessments in the child page's table."""

    id: int
    reference: str
    day: date
    dated: bool
    received_at: datetime
    stated_total: int | None
    stated_band: str
    computed_total: int | None
    band: str
    band_label: str
    state: str
    decision: str | None
    decision_key: str | None


@dataclass
class ChildPage:
    """The child's names, every assessment with its decision, and the chart."""

    child: Child
    name: str
    names: list[str]
    rows: list[AssessmentRow]
    chart: Markup


def child_page(uow: SqlUnitOfWork, child_id: int) -> ChildPage | None:
    """The child's names, every assessment with its decision, and the chart."""
    child = uow.children.get(child_id)
    if child is None:
        return None
    rows, points = [], []
    for submission in uow.submissions.for_child(child_id):
        assert submission.id is not None
        entry = uow.agenda.for_submission(submission.id)
        decision = uow.decisions.latest_for_entry(entry.id) if entry and entry.id else None
        day = submission.assessment_date or submission.received_at.date()
        band = submission.computed_category or "low"
        rows.append(AssessmentRow(
            id=submission.id, reference=f"MAST-{submission.id}", day=day,
            dated=submission.assessment_date is not None, received_at=submission.received_at,
            stated_total=submission.stated_total, stated_band=band_label(submission.stated_category),
            computed_total=submission.computed_total, band=band, band_label=band_label(band),
            state=STATE_LABELS.get(entry.state, entry.state) if entry else "Not queued",
            decision=band_label(decision.level) if decision else None,
            decision_key=decision.level if decision else None,
        ))
        points.append(Point(day, submission.computed_total or 0, band, f"MAST-{submission.id}"))
    return ChildPage(child=child, name=uow.children.display_name(child), names=uow.children.names(child_id),
                     rows=rows,
                     chart=score_chart(points, title="Recomputed score and band of each assessment"))


def item_name(key: str | None) -> str:
    """The form's label for an item key, for the templates."""
    return item_label(key)


def changes_since_previous(uow: SqlUnitOfWork, submission: Submission, record: Assessment) -> Changes | None:
    """What changed since the child's previous tool, or None when this is the first."""
    previous = uow.submissions.previous_for(submission)
    stored = uow.submissions.record(previous) if previous is not None else None
    if previous is None or previous.id is None or stored is None:
        return None
    return compare(previous.id, record_from_storage(stored), record)


def current_decision(page: SubmissionPage) -> DecisionRecord | None:
    """The decision standing on a submission page's case (None before the first one)."""
    entry = page.entry
    if entry is None or entry.state != "decided" or not page.decisions:
        return None
    return page.decisions[-1].record
