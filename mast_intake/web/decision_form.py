"""The decision form: its fields as the coordinator left them, and the one function that reads them.

``templates/_decision_form.html`` renders the fields and ``DecisionForm.read_all`` reads them back;
a new field goes in both places and nowhere else. The rules a complete record must meet are the
domain's (``domain.decisions.field_problems``); this module only reads what was typed and points
each problem at the field it names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from pydantic import Field

from mast_intake.domain.decisions import Action, DecisionRecord, field_problems
from mast_intake.domain.enums import CaseStatus, Level, NrmOutcome
from mast_intake.domain.errors import Problem
from mast_intake.web.forms import FieldError, FormModel, Text, Ticked

ACTION_ROWS = 5
# DecisionRecord fields the form shows under an id of the same name (actions go by their number).
_FORM_FIELDS = frozenset({"level_rationale", "police_updated_by", "nrm_referral_date", "nrm_first_responder",
                          "nrm_reason", "police_systems_updated", "correction_reason"})


def _blank_rows() -> list[tuple[str, str]]:
    return [("", "")] * ACTION_ROWS


def _blank_dues() -> list[str]:
    return [""] * ACTION_ROWS


class DecisionForm(FormModel):
    """What the coordinator typed, kept as typed so a refused form comes back filled in."""

    level: Text = ""
    level_rationale: Text = ""
    case_status: Text = ""
    actions: list[tuple[str, str]] = Field(default_factory=_blank_rows)
    action_dues: list[str] = Field(default_factory=_blank_dues)
    police_systems_updated: Ticked = False
    police_updated_by: Text = ""
    nrm: Text = ""
    nrm_referral_date: Text = ""
    nrm_first_responder: Text = ""
    nrm_reason: Text = ""
    tier1: Ticked = False
    disruption: Text = ""
    notes: Text = ""
    correction_reason: Text = ""
    GATHERED = frozenset({"actions", "action_dues"})

    @classmethod
    def read_all(cls, form: Mapping[str, Any]) -> DecisionForm:
        """The form as typed, with every action row it carried."""
        rows = range(1, _action_rows(form) + 1)
        return cls.read(form, actions=[(_text(form, f"action_{i}"), _text(form, f"owner_{i}")) for i in rows],
                        action_dues=[_text(form, f"due_{i}") for i in rows])

    def problems(self, correcting: bool) -> list[FieldError]:
        """Why the form cannot be recorded: first what was typed, then the domain's rules on the record."""
        errors = self._typing_problems()
        if errors:
            return errors
        draft = self.record("-", "", datetime.min)
        if correcting:
            draft = replace(draft, correction_reason=self.correction_reason, corrects_decision_id=0)
        return field_errors(field_problems(draft))

    def _typing_problems(self) -> list[FieldError]:
        """Choices not made, half-filled action rows and dates not written YYYY-MM-DD."""
        errors = []
        if not _is_choice(self.level, Level):
            errors.append(FieldError("level-low", "Choose the risk level MAST agreed"))
        if not _is_choice(self.case_status, CaseStatus):
            errors.append(FieldError("status-added", "Choose the CSE case status"))
        for number, ((text, owner), due) in enumerate(zip(self.actions, self.action_dues, strict=True), 1):
            errors += _row_problems(number, text, owner, due)
        if not _is_choice(self.nrm, NrmOutcome):
            errors.append(FieldError("nrm-referred", "Choose the National Referral Mechanism (NRM) outcome"))
        if not _is_day(self.nrm_referral_date):
            errors.append(FieldError("nrm_referral_date", "Write the NRM referral date like 2026-12-18"))
        return errors

    @classmethod
    def from_record(cls, current: DecisionRecord | None) -> DecisionForm:
        """The form for a correction: the decision standing, every field filled; empty for None."""
        if current is None:
            return cls()
        # Every action standing is shown (a CLI decision may have more than the form's rows), so a
        # correction keeps them all.
        actions = list(current.actions)
        padding = max(ACTION_ROWS - len(actions), 0)
        # Built, not read: the values are the record's own, already typed (and not to be trimmed).
        return cls.model_construct(
            level=current.level.value, level_rationale=current.level_rationale,
            case_status=current.case_status.value,
            actions=[(a.text, a.owner) for a in actions] + [("", "")] * padding,
            action_dues=[a.due.isoformat() if a.due else "" for a in actions] + [""] * padding,
            police_systems_updated=current.police_systems_updated,
            police_updated_by=current.police_updated_by, nrm=current.nrm.value,
            nrm_referral_date=current.nrm_referral_date.isoformat() if current.nrm_referral_date else "",
            nrm_first_responder=current.nrm_first_responder, nrm_reason=current.nrm_reason,
            tier1=current.tier1, disruption=current.disruption, notes=current.notes,
        )

    def fields(self) -> dict[str, Any]:
        """The record's fields (the ones a correction may change), from a form that parsed cleanly."""
        return {
            "level": Level.parse(self.level), "level_rationale": self.level_rationale,
            "case_status": CaseStatus.parse(self.case_status),
            "actions": tuple(Action(text, owner, _day(due)) for (text, owner), due
                             in zip(self.actions, self.action_dues, strict=True) if text),
            "police_systems_updated": self.police_systems_updated,
            "police_updated_by": self.police_updated_by, "nrm": NrmOutcome.parse(self.nrm),
            "nrm_referral_date": _day(self.nrm_referral_date),
            "nrm_first_responder": self.nrm_first_responder, "nrm_reason": self.nrm_reason,
            "tier1": self.tier1, "disruption": self.disruption, "notes": self.notes,
        }

    def record(self, decided_by: str, decided_by_role: str, decided_at: datetime) -> DecisionRecord:
        """A first decision from a form that parsed cleanly."""
        return DecisionRecord(decided_by=decided_by, decided_by_role=decided_by_role, decided_at=decided_at,
                              **self.fields())


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _is_day(text: str) -> bool:
    try:
        _day(text)
    except ValueError:
        return False
    return True


def _is_choice(text: str, enum: type[Level] | type[CaseStatus] | type[NrmOutcome]) -> bool:
    try:
        enum.parse(text)
    except ValueError:
        return False
    return True


def problem_field(problem: Problem) -> str:
    """The id of the field a domain problem is about (the level's first choice when none shows it)."""
    if problem.action is not None:
        return f"action_{problem.action}"
    return problem.field if problem.field in _FORM_FIELDS else "level-low"


def field_errors(found: list[Problem]) -> list[FieldError]:
    """Domain problems as errors linked to their fields."""
    return [FieldError(problem_field(p), p.message.rstrip(".")) for p in found]


def _row_problems(number: int, text: str, owner: str, due: str) -> list[FieldError]:
    """What is wrong with action row ``number``: half filled, or a due date not written YYYY-MM-DD."""
    errors = []
    if text and not owner:
        errors.append(FieldError(f"owner_{number}", f"Say who owns action {number}"))
    elif owner and not text:
        errors.append(FieldError(f"action_{number}", f"Write action {number}, or clear its owner"))
    if not _is_day(due):
        errors.append(FieldError(f"due_{number}", f"Write action {number}'s due date like 2026-12-18"))
    elif due and not text:
        errors.append(FieldError(f"action_{number}", f"Write action {number}, or clear its due date"))
    return errors


def _action_rows(form: Mapping[str, Any]) -> int:
    """How many action rows the form carried: ACTION_ROWS, or more for a longer decision corrected."""
    numbers = [int(match.group(1)) for name in form
               if (match := re.fullmatch(r"action_(\d{1,2})", str(name)))]
    return max([ACTION_ROWS, *numbers])


def parse_decision_form(form: Mapping[str, Any], correcting: bool) -> tuple[DecisionForm, list[FieldError]]:
    """The form as typed, and its problems (empty when it can be recorded)."""
    kept = DecisionForm.read_all(form)
    return kept, kept.problems(correcting)
