"""Builders of fictional notifier views for the notifier tests (no real child data)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from mast_intake.domain.history import Trend
from mast_intake.models.finding import Severity
from mast_intake.notifier.agenda import consider_band
from mast_intake.notifier.precheck_view import PrecheckView
from mast_intake.notifier.views.agenda import AgendaCaseView, AgendaView
from mast_intake.notifier.views.alerts import AlertView
from mast_intake.notifier.views.case_note import ActionView, CaseNoteView
from mast_intake.notifier.views.findings import FindingView, ScoreView
from mast_intake.notifier.views.labels import item_label
from mast_intake.notifier.views.rejections import RejectedFileView, RejectionView
from mast_intake.notifier.views.reminders import ReminderView

CHILD = "Tilly Q. Fictional"
WORKER = "Pat Example (Selby Children and Families)"
RECEIVED = datetime(2026, 5, 4, 7, 15, tzinfo=UTC)
MEETING = datetime(2026, 5, 4, 9, 30, tzinfo=ZoneInfo("Europe/London"))


def finding(
    code: str, severity: Severity, item: str | None = "missing_overnight", **kw
) -> FindingView:
    """A fictional finding with every text field filled."""
    values = dict(
        code=code,
        severity=severity,
        item_key=item,
        item_label=item_label(item),
        summary=f"Summary of {code}",
        message=f"Message for {code}.",
        excerpt=f"words quoted for {code}",
        guide=f"Guide sentence for {code}.",
        how_to_fix=f"How to fix {code}.",
    )
    values.update(kw)
    return FindingView(**values)


def score(
    stated: int | None = 12, computed: int = 12, stated_band=None, computed_band=None
) -> ScoreView:
    """Stated and recounted scores; bands default to the band of each total."""
    from mast_intake.models.form import band_for

    return ScoreView(
        stated_total=stated,
        stated_band=(
            stated_band if stated_band is not None
            else (band_for(stated) if stated is not None else None)
        ),
        computed_total=computed,
        computed_band=computed_band or band_for(computed),
    )


def precheck(**kw) -> PrecheckView:
    """A pre-check view with one finding of each severity, given out of order."""
    values = dict(
        reference="MAST-42",
        file_name="risk tool v2.docx",
        worker_name=WORKER,
        child_name=CHILD,
        received_at=RECEIVED,
        score=score(),
        findings=(
            finding("ADVICE_ONE", Severity.ADVICE),
            finding("MUST_ONE", Severity.MUST_FIX, "summary"),
            finding("SHOULD_ONE", Severity.SHOULD_FIX, None),
            finding("MUST_TWO", Severity.MUST_FIX),
        ),
        meeting_at=MEETING,
    )
    values.update(kw)
    return PrecheckView(**values)


def rejection(**kw) -> RejectionView:
    """A rejection view with one scanned file."""
    values = dict(
        worker_name=WORKER,
        received_at=RECEIVED,
        files=(RejectedFileView.for_reason("scan0001.pdf", "scanned"),),
    )
    values.update(kw)
    return RejectionView(**values)


def case(reference: str, stated: int | None, computed: int, *, is_review: bool = False,
         received: datetime = RECEIVED, **kw) -> AgendaCaseView:
    """A fictional agenda case; the considered band follows agenda.consider_band."""
    sc = score(stated, computed)
    values = dict(
        reference=reference,
        child_name=f"Child {reference}",
        child_age=14,
        worker_name="Pat Example",
        worker_address="pat.example@northyorks.gov.uk",
        team="Selby Children and Families",
        received_at=received,
        score=sc,
        consider_band=consider_band(sc.stated_band, sc.computed_band),
        is_review=is_review,
        review_due=date(2026, 6, 15),
        review_text="due by Monday 15 June 2026",
    )
    values.update(kw)
    return AgendaCaseView(**values)


def agenda(cases: tuple[AgendaCaseView, ...] | None = None) -> AgendaView:
    """An agenda with a mix of cases (already in agenda order)."""
    if cases is None:
        cases = (
            case("H-NEW", 22, 21, findings=(finding("NRM_CONSIDER", Severity.ADVICE),),
                 consider_nrm=True),
            case("H-REV", 20, 20, is_review=True,
                 trend=Trend("up", 14, 20, "medium", "high", date(2026, 3, 1), 64)),
            case("M-NEW", 15, 9, findings=(finding("TOTAL_MISMATCH", Severity.MUST_FIX, "total"),),
                 awaiting_correction=True, over_18=True, leaving_care=True),
            case("L-REV", 3, 3, is_review=True, closure_requested=True,
                 deferred_from=date(2026, 5, 1),
                 trend=Trend("down", 8, 3, "low", "low", None, None)),
        )
    return AgendaView(
        meeting_at=MEETING,
        cutoff_at=datetime(2026, 5, 4, 8, 0, tzinfo=ZoneInfo("Europe/London")),
        cases=cases,
        generated_at=datetime(2026, 5, 4, 7, 5, tzinfo=UTC),
    )


def case_note(**kw) -> CaseNoteView:
    """A decision case note with two actions."""
    values = dict(
        reference="MAST-42",
        child_name=CHILD,
        worker_name=WORKER,
        agreed_band="medium",
        case_status="added",
        actions=(
            ActionView("Invite police to the next core group.", "Social worker", date(2026, 5, 18)),
            ActionView("Share the intelligence form with police.", "MAST police officer"),
        ),
        vemt_tier1=True,
        nrm_decision="referred",
        nrm_referral_date=date(2026, 5, 4),
        nrm_first_responder="Fictional First Responder",
        next_review=date(2026, 6, 29),
        decided_by="Sam Chair, MAST",
        decided_at=datetime(2026, 5, 4, 10, 5, tzinfo=UTC),
    )
    values.update(kw)
    return CaseNoteView(**values)


def reminder(**kw) -> ReminderView:
    """A review reminder for a medium-risk tool that is overdue."""
    values = dict(
        reference="MAST-01",
        child_name=CHILD,
        worker_name=WORKER,
        worker_address="pat.example@northyorks.gov.uk",
        latest_tool_date=date(2026, 3, 2),
        band="medium",
        interval_weeks=8,
        due_date=date(2026, 4, 27),
        today=date(2026, 5, 4),
    )
    values.update(kw)
    return ReminderView(**values)


def alert(**kw) -> AlertView:
    """An admin alert for a quarantined message."""
    values = dict(
        kind="quarantined",
        occurred_at=datetime(2026, 5, 4, 6, 0, tzinfo=UTC),
        ids=("<abc123@mail.example>", "MAST-44"),
        reasons=(("corrupt", 2), ("too_large", 1)),
        count=3,
    )
    values.update(kw)
    return AlertView(**values)


__all__ = ["replace"]
