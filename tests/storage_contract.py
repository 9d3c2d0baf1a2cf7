"""The storage contract: one suite run against the SQL repositories on SQLite and PostgreSQL.

A subclass provides two fixtures: ``new_uow`` (a callable giving a fresh unit of work on one
shared database) and ``clock`` (the FakeClock those units of work use). Every name, date and
address here is invented.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from mast_intake.domain.agenda import Deferral
from mast_intake.models.rows import AgendaEntry, Submission
from mast_intake.ports.errors import DecisionNotAllowed, InvalidTransition, LeaseLost
from mast_intake.storage.unit_of_work import SqlUnitOfWork
from tests.fakes import FakeClock

NewUow = Callable[[], SqlUnitOfWork]
DOB = date(2011, 4, 5)
WORKER = "worker@example.invalid"


def received(hour: int, day: int = 2) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


def add_submission(
    uow: SqlUnitOfWork,
    message_id: str = "<m1@example.invalid>",
    sha256: str = "a" * 64,
    child_id: int | None = None,
    assessment_date: date | None = date(2026, 3, 1),
    received_at: datetime | None = None,
    **extra: object,
) -> Submission:
    values: dict = dict(
        message_id=message_id,
        sha256=sha256,
        file_name="tool.docx",
        kind="docx",
        sender=WORKER,
        received_at=received_at or received(7),
        status="parsed",
        record={"child": {"name": "Fictional Child"}},
        findings=[{"code": "x", "severity": "advice"}],
        child_id=child_id,
        assessment_date=assessment_date,
        stated_total=5,
        stated_category="medium",
        computed_total=5,
        computed_category="medium",
    )
    values.update(extra)
    return uow.submissions.add(**values)


def decide(uow: SqlUnitOfWork, entry: AgendaEntry | int, **extra: object):
    values: dict = dict(
        entry=entry,
        level="medium",
        case_status="added",
        recommendations="Fictional recommendation.",
        actions=[{"text": "Fictional action", "owner": "Social care"}],
        tier1=False,
        nrm="not_referred",
        next_review_date=date(2026, 4, 27),
        decided_by="chair@example.invalid",
    )
    values.update(extra)
    return uow.decisions.record(**values)


class RepositoryContract:
    # -- unit of work -----------------------------------------------------------------------

    def test_nothing_is_kept_without_commit(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            uow.audit.append("tester", "processed", "message", "1")
        with new_uow() as uow:
            assert uow.audit.list() == []

    def test_an_exception_inside_the_block_leaves_nothing_behind(self, new_uow: NewUow) -> None:
        with pytest.raises(RuntimeError), new_uow() as uow:
            uow.audit.append("tester", "processed", "message", "1")
            add_submission(uow)
            raise RuntimeError("boom")
        with new_uow() as uow:
            assert uow.audit.list() == []
            assert not uow.submissions.exists("<m1@example.invalid>", "a" * 64)

    def test_commit_keeps_work_and_later_work_still_rolls_back(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            uow.audit.append("tester", "processed", "message", "1")
            uow.commit()
            uow.audit.append("tester", "processed", "message", "2")
        with new_uow() as uow:
            assert [row.subject_id for row in uow.audit.list()] == ["1"]

    def test_returned_objects_stay_readable_after_the_block(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            submission = add_submission(uow)
            uow.commit()
        assert submission.id is not None and submission.sha256 == "a" * 64

    # -- processed mail ---------------------------------------------------------------------

    def claim(self, uow: SqlUnitOfWork, worker: str = "w1", message_id: str = "<m1@example.invalid>"):
        return uow.mail.claim("INBOX/1", message_id, WORKER, received(7), worker, lease_seconds=300)

    def test_first_claim_wins_and_a_second_worker_gets_none(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            row = self.claim(uow)
            uow.commit()
        assert row is not None and row.state == "claimed" and row.claimed_by == "w1"
        with new_uow() as uow:
            assert self.claim(uow, "w2") is None
            assert uow.mail.get("<m1@example.invalid>").claimed_by == "w1"

    def test_failed_message_is_claimed_again_until_max_attempts(self, new_uow: NewUow) -> None:
        mid = "<m1@example.invalid>"
        for attempt in (1, 2):
            with new_uow() as uow:
                assert uow.mail.claim("k", mid, WORKER, received(7), "w1", 300, max_attempts=2)
                row = uow.mail.mark_failed(mid, "ValueError", worker_id="w1")
                uow.commit()
            assert (row.state, row.attempts, row.last_error_kind) == ("failed", attempt, "ValueError")
        with new_uow() as uow:
            assert uow.mail.claim("k", mid, WORKER, received(7), "w1", 300, max_attempts=2) is None
            row = uow.mail.mark_quarantined(mid, "too_many_failures")
            uow.commit()
        assert row.state == "quarantined"

    def test_expired_lease_is_reclaimed_and_counts_as_an_attempt(
        self, new_uow: NewUow, clock: FakeClock
    ) -> None:
        with new_uow() as uow:
            self.claim(uow, "w1")
            uow.commit()
        clock.advance(seconds=299)
        with new_uow() as uow:
            assert self.claim(uow, "w2") is None
        clock.advance(seconds=2)
        with new_uow() as uow:
            row = self.claim(uow, "w2")
            uow.commit()
        assert row is not None and row.claimed_by == "w2"
        assert (row.attempts, row.last_error_kind) == (1, "LeaseExpired")
        with new_uow() as uow, pytest.raises(LeaseLost):
            uow.mail.mark_processed("<m1@example.invalid>", "parsed", worker_id="w1")

    def test_renewed_lease_is_not_taken(self, new_uow: NewUow, clock: FakeClock) -> None:
        with new_uow() as uow:
            self.claim(uow, "w1")
            uow.commit()
        clock.advance(seconds=250)
        with new_uow() as uow:
            uow.mail.renew_lease("<m1@example.invalid>", "w1", 300)
            with pytest.raises(LeaseLost):
                uow.mail.renew_lease("<m1@example.invalid>", "w2", 300)
            uow.commit()
        clock.advance(seconds=250)
        with new_uow() as uow:
            assert self.claim(uow, "w2") is None

    def test_processed_message_is_never_claimed_again(self, new_uow: NewUow, clock: FakeClock) -> None:
        with new_uow() as uow:
            self.claim(uow)
            uow.mail.mark_processed("<m1@example.invalid>", "parsed", worker_id="w1")
            uow.commit()
        clock.advance(days=1)
        with new_uow() as uow:
            assert self.claim(uow, "w2") is None
            with pytest.raises(InvalidTransition):
                uow.mail.mark_failed("<m1@example.invalid>", "OSError")

    def test_unmoved_rows_until_marked_moved_and_counts(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            for n in range(3):
                self.claim(uow, message_id=f"<m{n}@example.invalid>")
            uow.mail.mark_processed("<m0@example.invalid>", "parsed")
            uow.mail.mark_quarantined("<m1@example.invalid>", "not_allowed")
            uow.commit()
        with new_uow() as uow:
            assert [r.message_id for r in uow.mail.unmoved()] == [
                "<m0@example.invalid>",
                "<m1@example.invalid>",
            ]
            assert uow.mail.counts() == {
                "claimed": 1,
                "processed": 1,
                "quarantined": 1,
                "failed": 0,
                "unmoved": 2,
            }
            moved = uow.mail.mark_moved("<m0@example.invalid>", mailbox_key="Processed/9")
            uow.commit()
        assert moved.moved_at is not None and moved.mailbox_key == "Processed/9"
        with new_uow() as uow:
            assert [r.message_id for r in uow.mail.unmoved()] == ["<m1@example.invalid>"]

    def test_error_kind_must_be_a_class_name_not_a_message(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            self.claim(uow)
            with pytest.raises(ValueError):
                uow.mail.mark_failed("<m1@example.invalid>", "could not parse Fictional Child's form")

    # -- children ---------------------------------------------------------------------------

    def test_child_matched_by_normalised_name_and_dob(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            first = uow.children.find_or_create_child("Zoë  O'Fakename-Smith", DOB)
            again = uow.children.find_or_create_child("zoe ofakename smith.", DOB)
            other_dob = uow.children.find_or_create_child("Zoe OFakename Smith", date(2011, 4, 6))
            other_name = uow.children.find_or_create_child("Zoe Fakename", DOB)
            uow.commit()
        assert again.id == first.id
        assert other_dob.id != first.id and other_name.id != first.id

    def test_child_matched_by_alias_and_every_name_remembered(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            child = uow.children.find_or_create_child("Ada Inventedname", DOB, ["Addy", "A.I."])
            uow.commit()
        with new_uow() as uow:
            by_alias = uow.children.find_or_create_child("Addy", DOB)
            by_new_name = uow.children.find_or_create_child("Ada Newname", DOB, ["ADDY"])
            unknown = uow.children.find("Addy", date(2012, 1, 1))
            uow.commit()
        assert by_alias.id == child.id and by_new_name.id == child.id and unknown is None
        with new_uow() as uow:
            assert uow.children.names(child.id) == ["Ada Inventedname", "Addy", "A.I.", "Ada Newname"]
            assert uow.children.display_name(uow.children.get(child.id)) == "Ada Newname"

    def test_child_name_must_have_letters(self, new_uow: NewUow) -> None:
        with new_uow() as uow, pytest.raises(ValueError):
            uow.children.find_or_create_child(" - / . ", DOB)

    # -- submissions ------------------------------------------------------------------------

    def test_submission_round_trip(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            stored = add_submission(uow, reason=None)
            uow.commit()
        with new_uow() as uow:
            got = uow.submissions.get(stored.id)
            assert uow.submissions.exists("<m1@example.invalid>", "a" * 64)
            assert not uow.submissions.exists("<m1@example.invalid>", "b" * 64)
            assert uow.submissions.record(got) == {"child": {"name": "Fictional Child"}}
            assert uow.submissions.findings(got) == [{"code": "x", "severity": "advice"}]
            assert uow.submissions.file_name(got) == "tool.docx"
            assert got.received_at == received(7) and got.received_at.tzinfo is not None
            assert [s.id for s in uow.submissions.for_message("<m1@example.invalid>")] == [stored.id]

    def test_same_attachment_of_same_message_cannot_be_stored_twice(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            add_submission(uow)
            add_submission(uow, sha256="b" * 64)
            add_submission(uow, message_id="<m2@example.invalid>")
            uow.commit()
        with new_uow() as uow, pytest.raises(sa.exc.IntegrityError):
            add_submission(uow)

    def test_rejection_has_no_record(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            rejected = add_submission(
                uow, status="rejected", reason="password_protected", record=None, findings=None, kind="pdf"
            )
            uow.commit()
        with new_uow() as uow:
            got = uow.submissions.get(rejected.id)
            assert uow.submissions.record(got) is None and uow.submissions.findings(got) == []

    def test_history_and_previous_assessment_skip_superseded_versions(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            child = uow.children.find_or_create_child("Ben Madeup", DOB)
            jan = add_submission(uow, "<a@x.invalid>", child_id=child.id, assessment_date=date(2026, 1, 5))
            mar = add_submission(uow, "<b@x.invalid>", child_id=child.id, assessment_date=date(2026, 3, 1))
            mar2 = add_submission(
                uow,
                "<c@x.invalid>",
                child_id=child.id,
                assessment_date=date(2026, 3, 1),
                received_at=received(9),
                replaces_submission_id=mar.id,
            )
            may = add_submission(uow, "<d@x.invalid>", child_id=child.id, assessment_date=date(2026, 5, 1))
            uow.commit()
        with new_uow() as uow:
            assert [s.id for s in uow.submissions.for_child(child.id)] == [jan.id, mar.id, mar2.id, may.id]
            assert uow.submissions.previous_for(jan) is None
            assert uow.submissions.previous_for(mar).id == jan.id
            assert uow.submissions.previous_for(mar2).id == jan.id
            assert uow.submissions.previous_for(may).id == mar2.id

    # -- agenda -----------------------------------------------------------------------------

    def test_queue_meeting_defer_decide(self, new_uow: NewUow) -> None:
        meeting, next_meeting = date(2026, 3, 2), date(2026, 3, 3)
        with new_uow() as uow:
            early = uow.agenda.enqueue(
                add_submission(uow, "<a@x.invalid>", received_at=received(7)), False, False
            )
            late = uow.agenda.enqueue(
                add_submission(uow, "<b@x.invalid>", received_at=received(9)), True, True
            )
            uow.commit()
        cutoff = received(8)
        with new_uow() as uow:
            due = uow.agenda.queued_before(cutoff)
            assert [e.id for e in due] == [early.id]
            uow.agenda.place_on_meeting(due, meeting)
            uow.commit()
        with new_uow() as uow:
            assert [(e.id, e.state) for e in uow.agenda.for_meeting(meeting)] == [(early.id, "on_agenda")]
            with pytest.raises(InvalidTransition):
                uow.agenda.place_on_meeting([uow.agenda.get(early.id)], next_meeting)
            with pytest.raises(InvalidTransition):
                uow.agenda.mark_decided(uow.agenda.get(late.id))
            deferred = uow.agenda.store_deferral(uow.agenda.get(early.id), Deferral(
                early.id, meeting, next_meeting, "chair@example.invalid", received(9)))
            uow.commit()
        assert (deferred.state, deferred.deferrals, deferred.meeting_date) == ("deferred", 1, next_meeting)
        with new_uow() as uow:
            carried = [(e.id, d.to_day) for e, d in uow.agenda.deferred_from(meeting)]
            assert carried == [(early.id, next_meeting)]
            assert [d.from_day for d in uow.agenda.deferrals_of(early.id)] == [meeting]
        with new_uow() as uow:
            due = uow.agenda.queued_before(received(8, day=3))
            assert [e.id for e in due] == [early.id, late.id]
            assert uow.agenda.get(late.id).is_review and uow.agenda.get(late.id).needs_correction
            uow.agenda.place_on_meeting(due, next_meeting)
            decided = uow.agenda.mark_decided(uow.agenda.get(early.id))
            uow.commit()
        assert decided.state == "decided"
        with new_uow() as uow:
            assert uow.agenda.for_meeting(meeting) == []
            assert [e.id for e, _ in uow.agenda.deferred_from(meeting)] == [early.id]
            assert [e.state for e in uow.agenda.for_meeting(next_meeting)] == ["decided", "on_agenda"]
            assert uow.agenda.for_submission(late.submission_id).id == late.id

    def test_only_stored_parsed_submissions_are_queued(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            rejected = add_submission(uow, status="rejected", reason="not_a_risk_tool", record=None)
            with pytest.raises(ValueError):
                uow.agenda.enqueue(rejected, False, False)

    def test_resubmission_replaces_queued_entry_and_keeps_its_place(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            child = uow.children.find_or_create_child("Cara Notreal", DOB)
            first_sub = add_submission(uow, "<a@x.invalid>", child_id=child.id, received_at=received(6))
            first = uow.agenda.enqueue(first_sub, False, True)
            uow.commit()
        with new_uow() as uow:
            second_sub = add_submission(uow, "<b@x.invalid>", child_id=child.id, received_at=received(10))
            second = uow.agenda.enqueue(second_sub, False, False)
            uow.commit()
        assert second_sub.replaces_submission_id == first_sub.id
        with new_uow() as uow:
            old = uow.agenda.get(first.id)
            assert (old.state, old.replaced_by_id) == ("replaced", second.id)
            assert [e.id for e in uow.agenda.queued_before(received(8))] == [second.id]
            assert [e.id for e in uow.agenda.open_for_child(child.id)] == [second.id]
            assert uow.submissions.get(second_sub.id).replaces_submission_id == first_sub.id

    def test_resubmission_takes_the_place_of_an_entry_already_on_an_agenda(self, new_uow: NewUow) -> None:
        meeting = date(2026, 3, 2)
        with new_uow() as uow:
            child = uow.children.find_or_create_child("Cara Notreal", DOB)
            first = uow.agenda.enqueue(add_submission(uow, "<a@x.invalid>", child_id=child.id), False, False)
            uow.agenda.place_on_meeting([first], meeting)
            second = uow.agenda.enqueue(add_submission(uow, "<b@x.invalid>", child_id=child.id), False, False)
            uow.commit()
        assert (second.state, second.meeting_date) == ("on_agenda", meeting)
        with new_uow() as uow:
            assert [e.id for e in uow.agenda.for_meeting(meeting)] == [second.id]
            with pytest.raises(DecisionNotAllowed):
                decide(uow, first.id)

    def test_decided_entry_is_not_replaced(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            child = uow.children.find_or_create_child("Cara Notreal", DOB)
            first = uow.agenda.enqueue(add_submission(uow, "<a@x.invalid>", child_id=child.id), False, False)
            uow.agenda.place_on_meeting([first], date(2026, 3, 2))
            decide(uow, first)
            review = uow.agenda.enqueue(add_submission(uow, "<b@x.invalid>", child_id=child.id), True, False)
            uow.commit()
        assert review.state == "queued"
        with new_uow() as uow:
            assert uow.agenda.get(first.id).state == "decided"
            assert uow.submissions.get(review.submission_id).replaces_submission_id is None

    # -- decisions --------------------------------------------------------------------------

    def test_decision_only_for_an_entry_on_an_agenda(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            entry = uow.agenda.enqueue(add_submission(uow), False, False)
            with pytest.raises(DecisionNotAllowed):
                decide(uow, entry)
            uow.agenda.place_on_meeting([entry], date(2026, 3, 2))
            decision = decide(uow, entry)
            uow.commit()
        with new_uow() as uow:
            assert uow.agenda.get(entry.id).state == "decided"
            with pytest.raises(DecisionNotAllowed):
                decide(uow, entry.id)
            got = uow.decisions.latest_for_entry(entry.id)
            assert got.id == decision.id
            assert uow.decisions.recommendations(got) == "Fictional recommendation."
            assert uow.decisions.actions(got) == [{"text": "Fictional action", "owner": "Social care"}]

    def test_correction_is_a_new_row_and_stands(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            child = uow.children.find_or_create_child("Dan Fictitious", DOB)
            entry = uow.agenda.enqueue(add_submission(uow, child_id=child.id), False, False)
            uow.agenda.place_on_meeting([entry], date(2026, 3, 2))
            original = decide(uow, entry)
            other = uow.agenda.enqueue(add_submission(uow, "<z@x.invalid>"), False, False)
            uow.agenda.place_on_meeting([other], date(2026, 3, 2))
            uow.commit()
        with new_uow() as uow:
            with pytest.raises(DecisionNotAllowed):
                decide(uow, other, corrects_decision_id=original.id)
            correction = decide(uow, entry, level="high", corrects_decision_id=original.id)
            uow.commit()
        with new_uow() as uow:
            assert uow.decisions.latest_for_entry(entry.id).id == correction.id
            assert [d.id for d in uow.decisions.for_entry(entry.id)] == [original.id, correction.id]
            assert [d.level for d in uow.decisions.for_child(child.id)] == ["medium", "high"]
            assert uow.decisions.get(original.id).level == "medium"

    def test_the_complete_record_round_trips(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            entry = uow.agenda.enqueue(add_submission(uow), False, False)
            uow.agenda.place_on_meeting([entry], date(2026, 3, 2))
            decide(uow, entry, case_status="closed_after_review", nrm="referred",
                   nrm_referral_date=date(2026, 3, 1), nrm_first_responder="Fictional Responder",
                   level_rationale="Fictional rationale.", police_systems_updated=True,
                   police_updated_by="Fictional Officer", disruption="Fictional disruption.",
                   decided_by_role="MAST chair",
                   actions=[{"text": "Fictional action", "owner": "Social care", "due": "2026-03-20"}])
            uow.commit()
        with new_uow() as uow:
            record = uow.decisions.current(entry.id)
        assert (record.case_status, record.nrm, record.nrm_referral_date) == (
            "closed_after_review", "referred", date(2026, 3, 1))
        assert record.actions[0].due == date(2026, 3, 20) and record.decided_by_role == "MAST chair"
        assert (record.police_systems_updated, record.police_updated_by) == (True, "Fictional Officer")

    def test_decision_values_are_checked(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            entry = uow.agenda.enqueue(add_submission(uow), False, False)
            uow.agenda.place_on_meeting([entry], date(2026, 3, 2))
            for bad in ({"level": "severe"}, {"nrm": "maybe"}, {"actions": [{"text": "x"}]}):
                with pytest.raises(ValueError):
                    decide(uow, entry, **bad)

    def test_decisions_and_audit_have_no_update_or_delete_methods(self, new_uow: NewUow) -> None:
        forbidden = ("update", "delete", "remove", "edit", "set", "change", "purge", "clear")
        with new_uow() as uow:
            for repository in (uow.decisions, uow.audit):
                names = [n for n, _ in inspect.getmembers(repository, callable) if not n.startswith("_")]
                assert not [n for n in names if any(word in n.lower() for word in forbidden)], names

    # -- outbox -----------------------------------------------------------------------------

    def test_outbox_is_idempotent_on_message_id(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            first = uow.outbox.add("<o1@x.invalid>", "precheck", [WORKER], "Subject", b"MIME 1")
            again = uow.outbox.add("<o1@x.invalid>", "precheck", [WORKER], "Other", b"MIME 2")
            uow.commit()
        assert first.id == again.id
        with new_uow() as uow:
            row = uow.outbox.get(first.id)
            assert uow.outbox.subject(row) == "Subject" and uow.outbox.mime(row) == b"MIME 1"
            assert uow.outbox.recipients(row) == [WORKER]
            with pytest.raises(ValueError):
                uow.outbox.add("<o2@x.invalid>", "newsletter", [WORKER], "S", b"M")

    def test_outbox_send_and_fail(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            ids = [uow.outbox.add(f"<o{n}@x.invalid>", "alert", [WORKER], "S", b"M").id for n in range(3)]
            uow.commit()
        with new_uow() as uow:
            assert [r.id for r in uow.outbox.pending(limit=2)] == ids[:2]
            sent = uow.outbox.mark_sent(ids[0])
            once = uow.outbox.mark_failed(ids[1], "SMTPServerDisconnected", max_attempts=2)
            uow.commit()
        assert sent.state == "sent" and sent.sent_at is not None
        assert (once.state, once.attempts) == ("pending", 1)
        with new_uow() as uow:
            twice = uow.outbox.mark_failed(ids[1], "SMTPServerDisconnected", max_attempts=2)
            uow.commit()
        assert (twice.state, twice.attempts, twice.last_error_kind) == ("failed", 2, "SMTPServerDisconnected")
        with new_uow() as uow:
            assert [r.id for r in uow.outbox.pending()] == [ids[2]]
            assert uow.outbox.counts() == {"pending": 1, "sent": 1, "failed": 1}

    # -- audit, poll runs, meetings ---------------------------------------------------------

    def test_audit_append_and_list(self, new_uow: NewUow, clock: FakeClock) -> None:
        with new_uow() as uow:
            uow.audit.append("system", "processed", "submission", 1)
            clock.advance(minutes=1)
            uow.audit.append("chair@example.invalid", "decided", "agenda_entry", 7, detail="level=high")
            uow.audit.append("chair@example.invalid", "viewed", "submission", 1)
            uow.commit()
        with new_uow() as uow:
            assert [r.action for r in uow.audit.list()] == ["viewed", "decided", "processed"]
            assert [r.action for r in uow.audit.list(subject_type="submission", subject_id=1)] == [
                "viewed",
                "processed",
            ]
            assert [r.action for r in uow.audit.list(actor="system")] == ["processed"]
            assert len(uow.audit.list(since=clock.now)) == 2
            assert uow.audit.list(action="decided")[0].detail == "level=high"

    def test_poll_runs(self, new_uow: NewUow) -> None:
        with new_uow() as uow:
            assert uow.poll_runs.latest() is None
            run = uow.poll_runs.start("host:1")
            uow.commit()
        with new_uow() as uow:
            uow.poll_runs.finish(run.id, {"messages": 3, "parsed": 2})
            second = uow.poll_runs.start("host:1")
            uow.poll_runs.finish(second.id, {}, error_kind="TimeoutError")
            uow.commit()
        with new_uow() as uow:
            latest = uow.poll_runs.latest()
            assert latest.id == second.id and latest.error_kind == "TimeoutError"
            first = uow.poll_runs.recent()[1]
            assert first.counts == {"messages": 3, "parsed": 2} and first.finished_at is not None

    def test_meeting_agenda_sent_once(self, new_uow: NewUow) -> None:
        day = date(2026, 3, 2)
        with new_uow() as uow:
            meeting = uow.meetings.get_or_create(day)
            assert uow.meetings.get_or_create(day).id == meeting.id
            assert uow.meetings.mark_agenda_sent(day) is True
            uow.commit()
        with new_uow() as uow:
            assert uow.meetings.mark_agenda_sent(day) is False
            assert uow.meetings.get(day).agenda_sent_at is not None
            assert uow.meetings.mark_agenda_sent(day + timedelta(days=1)) is True
