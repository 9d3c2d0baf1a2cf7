"""The decision form read back: typed values kept, problems linked to fields, corrections complete."""

from __future__ import annotations

from datetime import UTC, date, datetime

from mast_intake.domain.decisions import Action, DecisionRecord, field_problems
from mast_intake.domain.enums import CaseStatus, Level, NrmOutcome
from mast_intake.domain.errors import Problem
from mast_intake.web.decision_form import DecisionForm, parse_decision_form, problem_field


def _posted(form: DecisionForm) -> dict[str, str]:
    """What a browser sends for ``form`` as rendered."""
    posted = {"level": form.level, "level_rationale": form.level_rationale, "case_status": form.case_status,
              "nrm": form.nrm, "nrm_referral_date": form.nrm_referral_date,
              "nrm_first_responder": form.nrm_first_responder, "nrm_reason": form.nrm_reason,
              "police_updated_by": form.police_updated_by, "disruption": form.disruption,
              "notes": form.notes, "correction_reason": "Fictional reason for the correction."}
    posted.update({"police_systems_updated": "yes"} if form.police_systems_updated else {})
    posted.update({"tier1": "yes"} if form.tier1 else {})
    for number, ((text, owner), due) in enumerate(zip(form.actions, form.action_dues, strict=True), start=1):
        posted.update({f"action_{number}": text, f"owner_{number}": owner, f"due_{number}": due})
    return posted


def test_a_correction_form_posted_unchanged_keeps_every_field_and_every_action() -> None:
    actions = tuple(Action(f"Fictional action {n}", "Social worker", date(2026, 12, n)) for n in range(1, 8))
    current = DecisionRecord(
        level=Level.HIGH, case_status=CaseStatus.ADDED, decided_by="Pat Chair", decided_at=datetime.now(UTC),
        level_rationale="Fictional rationale.", actions=actions, police_systems_updated=True,
        police_updated_by="Fictional Officer", nrm=NrmOutcome.REFERRED, nrm_referral_date=date(2026, 12, 2),
        nrm_first_responder="Fictional Responder", tier1=True, disruption="Fictional disruption.",
        notes="Fictional notes.", id=1)
    form = DecisionForm.from_record(current)
    assert len(form.actions) == 7
    kept, errors = parse_decision_form(_posted(form), correcting=True)
    assert errors == []
    fields = kept.fields()
    for name, value in fields.items():
        assert getattr(current, name) == value, name


def test_domain_problems_point_at_their_fields() -> None:
    # By the field the problem names, never by its words.
    assert problem_field(Problem("level_rationale", "Reworded.")) == "level_rationale"
    assert problem_field(Problem("actions", "Reworded.", action=3)) == "action_3"
    assert problem_field(Problem("nrm_reason", "Reworded.")) == "nrm_reason"
    assert problem_field(Problem("decided_by", "Not a field of the form.")) == "level-low"
    _, errors = parse_decision_form({"level": "low", "case_status": "added", "nrm": "not_applicable"},
                                    correcting=True)
    assert {e.field_id for e in errors} == {"level_rationale", "correction_reason"}


def test_every_problem_of_an_empty_record_names_a_field_of_the_form_or_the_record() -> None:
    record = DecisionRecord(level=Level.LOW, case_status=CaseStatus.CLOSED_AFTER_REVIEW, decided_by="",
                            decided_at=datetime.now(UTC), actions=(Action("", "Owner"),),
                            nrm=NrmOutcome.REFERRED, police_systems_updated=False, corrects_decision_id=1)
    fields = [problem_field(p) for p in field_problems(record)]
    assert fields == ["level_rationale", "level-low", "action_1", "nrm_referral_date", "nrm_first_responder",
                      "police_systems_updated", "correction_reason"]


def test_a_form_field_named_like_a_gathered_one_is_ignored() -> None:
    kept, errors = parse_decision_form({"actions": "not a list", "action_dues": "x", "level": " low ",
                                        "tier1": "yes", "police_systems_updated": "no"}, correcting=False)
    assert kept.level == "low" and kept.tier1 and not kept.police_systems_updated
    assert kept.actions == [("", "")] * 5 and {e.field_id for e in errors} == {"status-added", "nrm-referred"}
