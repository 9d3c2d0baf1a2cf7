"""The meeting cycle on the fakes: a tool arrives, goes on an agenda, is decided, reviewed."""

from __future__ import annotations

from datetime import UTC, date, datetime

from mast_intake.domain.decisions import DecisionRecord
from mast_intake.domain.enums import CaseStatus, Level
from mast_intake.intake.poll import poll_once
from mast_intake.notifier.decisions import record_correction, record_decision
from mast_intake.notifier.meetings import defer_case, place_cases
from mast_intake.notifier.reminders import queue_reminders
from tests.fixtures.factory import base_spec, build_form
from tests.mail_factory import email_with
from tests.unit.service.conftest import World

WORKER = "sam.worker@northyorks.gov.uk"
MEETING = date(2026, 12, 1)


def _arrive(world: World) -> None:
    world.mailbox.deliver(email_with([("tool.docx", build_form(base_spec()))], sent_at=world.clock()))
    poll_once(world.poll_context())


def _decide(world: World, submission_id: int = 1) -> DecisionRecord:
    record = DecisionRecord(level=Level.MEDIUM, case_status=CaseStatus.ADDED, decided_by="Pat Chair",
                            decided_at=world.clock(), level_rationale="Fictional rationale.")
    with world.uow() as uow:
        stored = record_decision(uow, submission_id, record, world.settings)
        uow.commit()
    return stored


def _place(world: World, day: date = MEETING) -> int:
    with world.uow() as uow:
        placed = place_cases(uow, day, world.settings, world.clock())
        uow.commit()
    return placed


def test_a_tool_is_stored_queued_filed_and_acknowledged(world: World) -> None:
    _arrive(world)
    assert not world.mailbox.inbox and len(world.mailbox.folders["Processed"]) == 1
    assert [str(m["To"]) for m in world.mailer.sent] == [WORKER]
    with world.uow() as uow:
        submission = uow.submissions.get(1)
        assert submission is not None and submission.status == "parsed"
        entry = uow.agenda.for_submission(1)
        assert entry is not None and entry.state == "queued"
        assert not uow.outbox.pending()
    # A second cycle finds nothing new and sends nothing more.
    poll_once(world.poll_context())
    assert len(world.mailer.sent) == 1


def test_nothing_is_kept_when_the_unit_of_work_is_not_committed(world: World) -> None:
    _arrive(world)
    with world.uow() as uow:
        uow.audit.append("someone", "looked", "submission", 1)
    with world.uow() as uow:
        assert uow.audit.list(action="looked") == []


def test_a_case_is_placed_decided_and_its_case_note_sent(world: World) -> None:
    _arrive(world)
    assert _place(world) == 1
    with world.uow() as uow:
        entry = uow.agenda.for_submission(1)
        assert entry is not None and (entry.state, entry.meeting_date) == ("on_agenda", MEETING)
    stored = _decide(world)
    assert stored.id is not None and stored.next_review_date is not None
    with world.uow() as uow:
        entry = uow.agenda.for_submission(1)
        assert entry is not None and entry.state == "decided"
        assert entry.id is not None and uow.decisions.current(entry.id) == stored
    world.send_outbox()
    assert len(world.mailer.sent) == 2  # the acknowledgement, then the case note


def test_a_correction_stands_in_place_of_the_decision(world: World) -> None:
    _arrive(world)
    _place(world)
    first = _decide(world)
    with world.uow() as uow:
        correction, corrected = record_correction(
            uow, 1, {"level": Level.HIGH}, reason="Fictional slip.", by="Pat Chair", role="chair",
            now=world.clock(), settings=world.settings)
        uow.commit()
    assert corrected == first and correction.corrects_decision_id == first.id
    with world.uow() as uow:
        entry = uow.agenda.for_submission(1)
        assert entry is not None and entry.id is not None
        current = uow.decisions.current(entry.id)
        assert current is not None and current.level == Level.HIGH


def test_a_deferred_case_moves_to_the_next_meeting(world: World) -> None:
    _arrive(world)
    _place(world)
    with world.uow() as uow:
        deferral = defer_case(uow, 1, "Pat Chair", world.settings, world.clock())
        uow.commit()
    assert deferral.from_day == MEETING and deferral.to_day > MEETING
    with world.uow() as uow:
        entry = uow.agenda.for_submission(1)
        assert entry is not None and (entry.state, entry.meeting_date) == ("deferred", deferral.to_day)
        assert [a.detail for a in uow.audit.list(action="deferred")] == [
            f"from {MEETING.isoformat()} to {deferral.to_day.isoformat()}"]


def test_a_review_reminder_goes_once_then_escalates_once(world: World) -> None:
    _arrive(world)
    _place(world)
    due = _decide(world).next_review_date
    assert due is not None

    def remind() -> dict[str, int]:
        with world.uow() as uow:
            counts = dict(queue_reminders(uow, world.settings, world.clock().date()))
            uow.commit()
        return counts

    world.clock.now = datetime.combine(due, datetime.min.time(), UTC).replace(hour=7)
    assert remind() == {}
    world.clock.advance(days=20)
    assert remind() == {"reminders": 1}
    assert remind() == {}
    world.clock.advance(days=world.settings.review.escalate_after_days)
    assert remind() == {"escalations": 1}
    assert remind() == {}
    world.send_outbox()
    assert [str(m["To"]) for m in world.mailer.sent[-2:]] == [WORKER, world.settings.mast_address]
