"""Small domain rules: references, value lists, names, review dates, reminders, trend, records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from mast_intake.domain.decisions import (
    Action,
    DecisionRecord,
    check,
    correction_of,
    field_problems,
    problems,
)
from mast_intake.domain.enums import CaseStatus, Level, NrmOutcome
from mast_intake.domain.errors import DecisionInvalid
from mast_intake.domain.history import choose_previous, compare
from mast_intake.domain.names import normalise_name, split_names
from mast_intake.domain.reference import InvalidReference, format_reference, parse_reference
from mast_intake.domain.review import ReviewIntervals, reminder_step, review_due
from mast_intake.models.rows import CASE_STATUSES, LEVELS

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["MAST-3", "mast-3", " MAST 3 ", "3", 3])
def test_references_are_read_with_or_without_the_prefix(text: str | int) -> None:
    assert parse_reference(text) == 3
    assert format_reference(3) == "MAST-3"


@pytest.mark.parametrize("text", ["", "MAST-", "D-3", "three", "3a"])
def test_other_text_is_not_a_reference(text: str) -> None:
    with pytest.raises(InvalidReference):
        parse_reference(text)


def test_value_lists_come_from_the_enums() -> None:
    assert LEVELS == ("low", "medium", "high") and Level.HIGH.label == "High"
    assert "closed_after_review" in CASE_STATUSES
    assert CaseStatus.parse("closed-after-review") is CaseStatus.CLOSED_AFTER_REVIEW
    assert NrmOutcome.from_stored("yes") is NrmOutcome.REFERRED
    assert NrmOutcome.from_stored("considered") is NrmOutcome.NOT_REFERRED
    with pytest.raises(ValueError, match="referred"):
        NrmOutcome.parse("maybe")


def test_names_match_across_spellings() -> None:
    assert normalise_name("Zoë  O'Neil-Smith") == "zoe oneil smith"
    assert split_names("Jay Example / JJ aka Jay-Jay") == ["Jay Example", "JJ", "Jay-Jay"]


INTERVALS = ReviewIntervals()


def test_review_before_a_decision_counts_from_the_assessment_at_the_stated_band() -> None:
    due = review_due(assessed_on=date(2026, 3, 12), stated_band="medium", intervals=INTERVALS)
    assert due.due == date(2026, 5, 7) and not due.after_decision


def test_review_after_a_decision_counts_from_the_decision_at_the_agreed_level() -> None:
    due = review_due(assessed_on=date(2026, 3, 12), stated_band="medium", intervals=INTERVALS,
                     decided_on=date(2026, 12, 3), agreed_level="high")
    assert due.due == date(2027, 1, 14) and due.after_decision


def test_a_review_date_already_past_says_overdue() -> None:
    due = review_due(assessed_on=date(2026, 3, 12), stated_band="medium", intervals=INTERVALS)
    overdue = "overdue since Thursday 7 May 2026: please send an updated risk tool now"
    assert due.text(date(2026, 12, 2)) == overdue
    assert due.text(date(2026, 5, 1)) == "due by Thursday 7 May 2026"


def test_escalation_only_after_the_worker_has_had_the_configured_days() -> None:
    due = date(2026, 5, 7)
    args = {"escalated": False, "waiting_for_meeting": False, "escalate_after_days": 7}
    assert reminder_step(due, date(2026, 12, 2), reminded_on=None, **args) == "remind"
    # The first run reminds the worker; the same day (or within the week) never escalates.
    assert reminder_step(due, date(2026, 12, 2), reminded_on=date(2026, 12, 2), **args) == "none"
    assert reminder_step(due, date(2026, 12, 8), reminded_on=date(2026, 12, 2), **args) == "none"
    assert reminder_step(due, date(2026, 12, 9), reminded_on=date(2026, 12, 2), **args) == "escalate"
    assert reminder_step(due, date(2026, 12, 9), reminded_on=date(2026, 12, 2),
                         **{**args, "escalated": True}) == "none"


def test_no_reminder_while_the_latest_tool_waits_for_a_meeting() -> None:
    assert reminder_step(date(2026, 5, 7), date(2026, 12, 2), reminded_on=None, escalated=False,
                         waiting_for_meeting=True, escalate_after_days=7) == "none"


@dataclass
class Tool:
    id: int
    assessment_date: date | None
    received_at: datetime
    computed_total: int | None = 10
    computed_category: str | None = "low"
    replaces_submission_id: int | None = None
    status: str = "parsed"


def test_previous_tool_is_the_latest_earlier_one_even_when_it_was_replaced() -> None:
    # The earlier tool (a different assessment) was still waiting when the review came in.
    first = Tool(1, date(2026, 9, 1), datetime(2026, 9, 2, tzinfo=UTC), 9, "low")
    review = Tool(2, date(2026, 11, 20), datetime(2026, 11, 21, tzinfo=UTC), 14, "medium",
                  replaces_submission_id=1)
    assert choose_previous(review, [first, review]) is first
    trend = compare(first, 14, "medium", review.assessment_date)
    assert trend is not None and trend.direction == "up" and trend.days_between == 80
    assert trend.text == "Up from 9 (low) to 14 (medium); previous tool 2026-09-01, 80 days earlier"


def test_a_corrected_copy_of_the_same_assessment_is_not_the_previous_tool() -> None:
    older = Tool(1, date(2026, 6, 1), datetime(2026, 6, 2, tzinfo=UTC))
    first = Tool(2, date(2026, 9, 1), datetime(2026, 9, 2, tzinfo=UTC))
    corrected = Tool(3, date(2026, 9, 1), datetime(2026, 9, 3, tzinfo=UTC), replaces_submission_id=2)
    assert choose_previous(corrected, [older, first, corrected]) is older
    assert compare(None, 5, "low", None) is None


def record(**values) -> DecisionRecord:
    base = dict(level=Level.MEDIUM, case_status=CaseStatus.ADDED, decided_by="Pat Chair",
                decided_by_role="MAST chair", decided_at=NOW, level_rationale="Fictional rationale.")
    return DecisionRecord(**{**base, **values})


def test_a_complete_record_passes() -> None:
    action = Action("Fictional plan", "Social worker", date(2026, 12, 18))
    assert check(record(actions=(action,))).actions[0].due == date(2026, 12, 18)


@pytest.mark.parametrize(("values", "words"), [
    ({"level_rationale": ""}, "rationale"),
    ({"actions": (Action("Fictional plan", ""),)}, "Action 1"),
    ({"police_systems_updated": True}, "who updated the police"),
    ({"nrm": NrmOutcome.REFERRED}, "date of the NRM referral"),
    ({"nrm": NrmOutcome.REFERRED, "nrm_referral_date": date(2026, 12, 1)}, "first responder"),
    ({"nrm": NrmOutcome.NOT_REFERRED}, "why an NRM referral"),
    ({"case_status": CaseStatus.CLOSED_AFTER_REVIEW}, "closure review"),
    ({"corrects_decision_id": 1}, "why the earlier decision"),
])
def test_an_incomplete_record_says_what_is_missing(values: dict, words: str) -> None:
    assert any(words in problem for problem in problems(record(**values)))
    with pytest.raises(DecisionInvalid):
        check(record(**values))


def test_a_correction_keeps_every_field_not_changed_and_needs_a_reason() -> None:
    current = record(id=7, actions=(Action("Fictional plan", "Social worker"),), nrm=NrmOutcome.NOT_REFERRED,
                     nrm_reason="Fictional reason.", tier1=True)
    corrected = correction_of(current, {"level": Level.HIGH}, reason="Level agreed was high.",
                              decided_by="Kim Chair", decided_by_role="MAST chair", decided_at=NOW)
    assert corrected.level is Level.HIGH and corrected.corrects_decision_id == 7
    assert (corrected.actions, corrected.nrm, corrected.tier1) == (current.actions, current.nrm, True)
    assert corrected.correction_reason == "Level agreed was high."
    with pytest.raises(DecisionInvalid, match="why the earlier decision"):
        correction_of(current, {"level": Level.HIGH}, reason=" ", decided_by="Kim Chair",
                      decided_by_role="", decided_at=NOW)
    with pytest.raises(ValueError, match="cannot be corrected"):
        correction_of(current, {"decided_at": NOW}, reason="x", decided_by="Kim", decided_by_role="",
                      decided_at=NOW)


def test_each_problem_names_the_record_field_it_is_about() -> None:
    incomplete = record(level_rationale="", actions=(Action("Fictional action", ""),),
                        nrm=NrmOutcome.NOT_REFERRED, nrm_reason="")
    found = field_problems(incomplete)
    assert [(p.field, p.action) for p in found] == [("level_rationale", None), ("actions", 1),
                                                    ("nrm_reason", None)]
    assert [p.message for p in found] == problems(incomplete)
    with pytest.raises(DecisionInvalid) as raised:
        check(record(level_rationale=""))
    assert [p.field for p in raised.value.found] == ["level_rationale"]
