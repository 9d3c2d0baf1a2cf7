"""The cycle in process against real SQLite: repeated failures, reminders, deferral, trend."""

from __future__ import annotations

import email
import email.policy
import io
from dataclasses import replace
from datetime import UTC, date, datetime

import docx
import pytest

from mast_intake.bootstrap import bootstrap
from mast_intake.config.settings import Settings
from mast_intake.domain.decisions import DecisionRecord
from mast_intake.domain.enums import CaseStatus, Level
from mast_intake.intake.poll import poll_once
from mast_intake.notifier.agenda_docx import build_agenda_docx
from mast_intake.notifier.compose import render
from mast_intake.notifier.decisions import record_decision
from mast_intake.notifier.meetings import agenda_for, defer_case, place_cases
from mast_intake.notifier.reminders import queue_reminders
from mast_intake.notifier.views.dates import uk_date
from mast_intake.scheduler import send_outbox
from tests.fakes import FakeClock
from tests.fixtures.factory import base_spec, build_form
from tests.mail_factory import drop, email_with


@pytest.fixture
def app(tmp_path):
    return bootstrap(Settings(data_dir=tmp_path / "var"))


def _sent(app) -> list[email.message.EmailMessage]:
    folder = app.settings.outbox_path / "new"
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
        for p in sorted(folder.glob("*"))
    ]


def test_a_message_that_keeps_failing_is_quarantined_with_an_alert_and_acknowledged(app) -> None:
    drop(app.settings.maildir_path, email_with([("tool.docx", build_form(base_spec()))]))

    def broken_check(record):
        raise RuntimeError("a bug in a check")

    app.check = broken_check
    for _ in range(app.settings.max_attempts):
        poll_once(app.poll_context())
    send_outbox(app)
    assert list((app.settings.maildir_path / ".Quarantine").glob("*/*"))
    assert not list((app.settings.maildir_path / "new").glob("*"))
    sent = {str(m["To"]): m for m in _sent(app)}
    assert sorted(sent) == sorted([app.settings.admin_address, "sam.worker@northyorks.gov.uk"])
    alert = sent[app.settings.admin_address].get_body(("plain",)).get_content()
    assert "Morwenna" not in alert and "failed_repeatedly_acknowledged" in alert
    # The service failed, not the worker: they hear that MAST will handle the tool by hand.
    ack = sent["sam.worker@northyorks.gov.uk"].get_body(("plain",)).get_content()
    assert "handle the tool by hand" in ack and "Morwenna" not in ack
    with app.uow() as uow:
        assert uow.mail.counts()["quarantined"] == 1
        assert not uow.outbox.pending()


def _decide(app, submission_id: int) -> DecisionRecord:
    record = DecisionRecord(level=Level.MEDIUM, case_status=CaseStatus.ADDED, decided_by="Pat Chair",
                            decided_at=app.clock(), level_rationale="Fictional rationale.")
    with app.uow() as uow:
        stored = record_decision(uow, submission_id, record, app.settings)
        uow.commit()
    return stored


def test_reminder_first_then_escalation_only_after_the_worker_has_had_time(tmp_path) -> None:
    clock = FakeClock(datetime(2026, 12, 1, 7, 0, tzinfo=UTC))
    app = bootstrap(Settings(data_dir=tmp_path / "var"), clock=clock)
    drop(app.settings.maildir_path, email_with([("tool.docx", build_form(base_spec()))], sent_at=clock()))
    poll_once(app.poll_context())

    def remind() -> dict:
        with app.uow() as uow:
            counts = dict(queue_reminders(uow, app.settings, clock().date()))
            uow.commit()
        return counts

    clock.advance(days=200)
    assert remind() == {}  # the tool waits for a meeting: MAST has not decided yet
    clock.now = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    with app.uow() as uow:
        place_cases(uow, date(2026, 12, 1), app.settings, clock())
        uow.commit()
    clock.advance(hours=3)
    due = _decide(app, 1).next_review_date
    assert due == date(2027, 1, 26)  # from the decision at the agreed level, not the assessment
    clock.now = datetime.combine(due, datetime.min.time(), UTC).replace(hour=7)
    assert remind() == {}  # due today: not yet overdue
    clock.advance(days=20)
    reminded_on = clock().date()
    assert remind() == {"reminders": 1}  # long overdue, yet only the worker hears first
    clock.advance(days=app.settings.review.escalate_after_days - 1)
    assert remind() == {}
    clock.advance(days=1)
    assert remind() == {"escalations": 1}
    clock.advance(days=1)
    assert remind() == {}
    send_outbox(app)
    reminders = [m for m in _sent(app) if "review" in str(m["Subject"]).lower()]
    assert [str(m["To"]) for m in reminders] == ["sam.worker@northyorks.gov.uk", app.settings.mast_address]
    escalation = reminders[1].get_body(("plain",)).get_content()
    assert f"Worker reminded: {uk_date(reminded_on)}" in escalation
    app.close()


def test_deferred_case_stays_on_its_meeting_and_goes_to_the_next(app) -> None:
    drop(app.settings.maildir_path, email_with([("tool.docx", build_form(base_spec()))]))
    poll_once(app.poll_context())
    thursday, friday = date(2030, 1, 3), date(2030, 1, 4)
    now = datetime(2030, 1, 3, 7, 0, tzinfo=UTC)
    with app.uow() as uow:
        place_cases(uow, thursday, app.settings, now)
        deferral = defer_case(uow, 1, "Pat Chair", app.settings, now)
        uow.commit()
    assert (deferral.from_day, deferral.to_day) == (thursday, friday)
    with app.uow() as uow:
        _, on_thursday = agenda_for(uow, thursday, app.settings, now)
        view, on_friday = agenda_for(uow, friday, app.settings, now)
    assert [(c.submission_id, c.view.deferred_to) for c in on_thursday] == [(1, friday)]
    assert "Deferred at this meeting to the meeting on Friday 4 January 2030." in on_thursday[0].view.prompts
    assert [c.submission_id for c in on_friday] == [1]
    assert view.cases[0].deferred_from == thursday
    assert "Deferred from the meeting on Thursday 3 January 2030." in view.cases[0].prompts
    with app.uow() as uow:
        place_cases(uow, friday, app.settings, datetime(2030, 1, 4, 7, 0, tzinfo=UTC))
        _, on_thursday = agenda_for(uow, thursday, app.settings, now)
        uow.commit()
    assert [c.submission_id for c in on_thursday] == [1]


def test_a_review_shows_the_trend_from_the_earlier_tool_everywhere(app) -> None:
    earlier = replace(base_spec(), assessment_date=date(2026, 9, 1))
    drop(app.settings.maildir_path, email_with([("old.docx", build_form(earlier))]))
    poll_once(app.poll_context())
    # The review arrives while the earlier tool still waits: it replaces it on the agenda.
    drop(app.settings.maildir_path, email_with([("new.docx", build_form(base_spec()))]))
    poll_once(app.poll_context())
    now = datetime(2030, 1, 3, 7, 0, tzinfo=UTC)
    with app.uow() as uow:
        place_cases(uow, date(2030, 1, 3), app.settings, now)
        view, cases = agenda_for(uow, date(2030, 1, 3), app.settings, now)
        uow.commit()
    assert [c.submission_id for c in cases] == [2]
    trend = cases[0].view.trend
    assert trend is not None and trend.previous_date == date(2026, 9, 1)
    assert cases[0].to_dict()["trend"]["text"] == trend.text
    text, _ = render("agenda", view)
    assert f"Trend: {trend.text}" in text and "First tool" not in text
    assert trend.text in _docx_text(build_agenda_docx(view))


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.parametrize(("hour", "placed"), [(8, 1), (11, 0)])
def test_the_agenda_job_places_cases_before_its_meeting_and_never_after(tmp_path, hour, placed) -> None:
    from mast_intake.scheduler import agenda_job

    # Thursday 3 December 2026; the meeting is at 09:30. A run missed while the service was down
    # comes late: the case then waits for the next meeting instead of stopping the job.
    clock = FakeClock(datetime(2026, 12, 2, 15, 0, tzinfo=UTC))
    app = bootstrap(Settings(data_dir=tmp_path / "var"), clock=clock)
    drop(app.settings.maildir_path, email_with([("tool.docx", build_form(base_spec()))], sent_at=clock()))
    poll_once(app.poll_context())
    clock.now = datetime(2026, 12, 3, hour, 0, tzinfo=UTC)
    agenda_job(app)
    with app.uow() as uow:
        assert len(agenda_for(uow, date(2026, 12, 3), app.settings, clock())[1]) == placed
        assert uow.agenda.waiting_count() == 1 - placed
    app.close()
