"""The agenda as the console shows it: each case with its decision, deferrals and the worker's summary.

Built on the notifier's agenda (the same order and facts as the agenda email and its Word
document), plus what only the console shows: the decided level, how often a case was deferred,
the cases still waiting to be placed, and filters and sorts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from mast_intake.config.settings import Settings
from mast_intake.domain.agenda import is_waiting_for
from mast_intake.models.codec import record_from_storage
from mast_intake.notifier.agenda import calendar_of
from mast_intake.notifier.meetings import AgendaCase, agenda_for, case_of
from mast_intake.notifier.views.agenda import AgendaCaseView, AgendaView
from mast_intake.notifier.views.labels import band_rank
from mast_intake.storage.unit_of_work import SqlUnitOfWork

SUMMARY_CHARS = 280
STATE_WORDS = {"on_agenda": "To discuss", "decided": "Decided", "deferred": "Carried over",
               "queued": "Waiting", "replaced": "Replaced"}
SORTS = {
    "agenda": "Agenda order (high risk first)",
    "score": "Recounted score, highest first",
    "received": "Received, oldest first",
    "child": "Child's name",
}
FILTERS = {
    "band": {"": "Any band", "high": "High", "medium": "Medium", "low": "Low"},
    "kind": {"": "New and review", "new": "New only", "review": "Review only"},
    "status": {"": "Any status", "on_agenda": "To discuss", "decided": "Decided", "deferred": "Carried over"},
}


@dataclass(frozen=True)
class AgendaRow:
    """One case on the page."""

    number: int
    case: AgendaCase
    entry_id: int
    decided_level: str | None
    deferrals: int
    summary: str

    @property
    def view(self) -> AgendaCaseView:
        return self.case.view

    @property
    def state_words(self) -> str:
        return STATE_WORDS.get(self.case.state, self.case.state)


def _row(uow: SqlUnitOfWork, number: int, case: AgendaCase) -> AgendaRow:
    entry = uow.agenda.for_submission(case.submission_id)
    assert entry is not None and entry.id is not None
    submission = uow.submissions.get(case.submission_id)
    assert submission is not None
    summary = record_from_storage(uow.submissions.record(submission) or {}).summary.strip()
    if len(summary) > SUMMARY_CHARS:
        summary = summary[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"
    decided_level = case.decision.level.value if case.decision else None
    return AgendaRow(number, case, entry.id, decided_level, entry.deferrals, summary)


def agenda_rows(uow: SqlUnitOfWork, day: date, settings: Settings, now: datetime) -> tuple[AgendaView,
                                                                                           list[AgendaRow]]:
    """The meeting's agenda view and its cases in agenda order, numbered."""
    view, cases = agenda_for(uow, day, settings, now)
    return view, [_row(uow, number, case) for number, case in enumerate(cases, start=1)]


def waiting_rows(uow: SqlUnitOfWork, day: date, settings: Settings, now: datetime) -> list[AgendaRow]:
    """Cases that placing would put on the meeting of ``day`` (the domain's rule), not yet on it."""
    cutoff = calendar_of(settings.meeting).cutoff_at(day)
    waiting = [entry for entry in uow.agenda.waiting()
               if is_waiting_for(entry, day, cutoff) and entry.meeting_date != day]
    return [_row(uow, number, case_of(uow, entry, settings, now))
            for number, entry in enumerate(waiting, start=1)]


def filter_and_sort(rows: list[AgendaRow], band: str, kind: str, status: str, sort: str) -> list[AgendaRow]:
    """The rows that pass the filters, in the chosen order (numbers keep the agenda order)."""
    kept = [r for r in rows
            if (not band or r.view.consider_band == band)
            and (not kind or (kind == "review") == r.view.is_review)
            and (not status or r.case.state == status)]
    if sort == "score":
        kept.sort(key=lambda r: (-r.view.score.computed_total, -band_rank(r.view.consider_band)))
    elif sort == "received":
        kept.sort(key=lambda r: r.view.received_at)
    elif sort == "child":
        kept.sort(key=lambda r: r.view.child_name.lower())
    return kept
