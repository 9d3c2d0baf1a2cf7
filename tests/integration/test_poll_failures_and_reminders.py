"""The poll cycle in process against real SQLite: repeated failures, review reminders, deferral."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, date, datetime, timedelta

import pytest

from mast_intake.bootstrap import bootstrap
from mast_intake.config.settings import Settings
from mast_intake.intake.poll import poll_once
from mast_intake.notifier.meetings import agenda_for, place_cases
from mast_intake.notifier.reminders import queue_reminders
from mast_intake.scheduler import send_outbox
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


def test_reminders_then_escalation_once_each(app) -> None:
    drop(app.settings.maildir_path, email_with([("tool.docx", build_form(base_spec()))]))
    poll_once(app.poll_context())
    send_outbox(app)
    with app.uow() as uow:
        submission = uow.submissions.get(1)
        assessed = submission.assessment_date
    due = assessed + timedelta(weeks=app.settings.review.medium_weeks)
    with app.uow() as uow:
        assert not queue_reminders(uow, app.settings, due)  # due today: not yet overdue
        assert queue_reminders(uow, app.settings, due + timedelta(days=1)) == {"reminders": 1}
        uow.commit()
    with app.uow() as uow:
        assert not queue_reminders(uow, app.settings, due + timedelta(days=2))  # sent once
        late = due + timedelta(days=app.settings.review.escalate_after_days)
        assert queue_reminders(uow, app.settings, late) == {"escalations": 1}
        uow.commit()
    send_outbox(app)
    recipients = [str(m["To"]) for m in _sent(app) if "review" in str(m["Subject"]).lower()]
    assert sorted(recipients) == sorted(["sam.worker@northyorks.gov.uk", app.settings.mast_address])


def test_deferred_case_is_carried_to_the_next_meeting(app) -> None:
    drop(app.settings.maildir_path, email_with([("tool.docx", build_form(base_spec()))]))
    poll_once(app.poll_context())
    first, second = date(2030, 1, 7), date(2030, 1, 8)
    now = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
    with app.uow() as uow:
        place_cases(uow, first, app.settings)
        entry = uow.agenda.for_submission(1)
        uow.agenda.defer(entry)
        uow.commit()
    with app.uow() as uow:
        place_cases(uow, second, app.settings)
        view, cases = agenda_for(uow, second, app.settings, now)
        uow.commit()
    assert [case.submission_id for case in cases] == [1]
    assert view.cases[0].deferred_from == first
