"""The decision form: its fields as the coordinator left them, and the one function that reads them.

``templates/_decision_form.html`` renders the fields and ``parse_decision_form`` reads them back;
a new field goes in both places and nowhere else. The rules a complete record must meet are the
domain's (``domain.decisions.problems``); this module only reads what was typed and points each
problem at the field it is about.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from mast_intake.domain.decisions import Action, DecisionRecord, problems
from mast_intake.domain.enums import CaseStatus, Level, NrmOutcome

ACTION_ROWS = 5
# Problems from domain.decisions.problems, by their opening words, and the field each is about.
_PROBLEM_FIELDS = (
    ("Give the rationale", "level_rationale"),
    ("Say who updated the police", "police_updated_by"),
    ("Give the date of the NRM", "nrm_referral_date"),
    ("Name the NRM first responder", "nrm_first_responder"),
    ("Say why an NRM referral", "nrm_reason"),
    ("Before a CSE case closes", "police_systems_updated"),
    ("Say why the earlier decision", "correction_reason"),
)
_ACTION_PROBLEM = re.compile(r"Action (\d+) ")


@dataclass(frozen=True)
class FieldError:
    """A problem with one field; ``field_id`` is the id the error summary links to."""

    field_id: str
    message: str


def _blank_rows() -> list[tuple[str, str]]:
    return [("", "")] * ACTION_ROWS


def _blank_dues() -> list[str]:
    return [""] * ACTION_ROWS


@dataclass
class DecisionForm:
    """What the coordinator typed, kept as typed so a refused form comes back filled in."""

    level: str = ""
    level_rationale: str = ""
    case_status: str = ""
    actions: list[tuple[str, str]] = field(default_factory=_blank_rows)
    action_dues: list[str] = field(default_factory=_blank_dues)
    police_systems_updated: bool = False
    police_updated_by: str = ""
    nrm: str = ""
    nrm_referral_date: str = ""
    nrm_first_responder: str = ""
    nrm_reason: str = ""
    tier1: bool = False
    disruption: str = ""
    notes: str = ""
    correction_reason: str = ""

    @classmethod
    def from_record(cls, current: DecisionRecord | None) -> DecisionForm:
        """The form for a correction: the decision standing, every field filled; empty for None."""
        if current is None:
            return cls()
        # Every action standing is shown (a CLI decision may have more than the form's rows), so a
        # correction keeps them all.
        actions = list(current.actions)
        padding = max(ACTION_ROWS - len(actions), 0)
        return cls(
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
    return str(form.get(name, "") or "").strip()


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


def problem_field(problem: str) -> str:
    """The id of the field a domain problem is about (the level's first choice when unknown)."""
    action = _ACTION_PROBLEM.match(problem)
    if action:
        return f"action_{action.group(1)}"
    return next((field_id for start, field_id in _PROBLEM_FIELDS if problem.startswith(start)), "level-low")


def field_errors(found: list[str]) -> list[FieldError]:
    """Domain problems as errors linked to their fields."""
    return [FieldError(problem_field(p), p.rstrip(".")) for p in found]


def _action_rows(form: Mapping[str, Any]) -> int:
    """How many action rows the form carried: ACTION_ROWS, or more for a longer decision corrected."""
    numbers = [int(match.group(1)) for name in form
               if (match := re.fullmatch(r"action_(\d{1,2})", str(name)))]
    return max([ACTION_ROWS, *numbers])


def parse_decision_form(form: Mapping[str, Any], correcting: bool) -> tuple[DecisionForm, list[FieldError]]:
    """The form as typed, and its problems (empty when it can be recorded)."""
    rows = _action_rows(form)
    kept = DecisionForm(
        level=_text(form, "level"), level_rationale=_text(form, "level_rationale"),
        case_status=_text(form, "case_status"),
        actions=[(_text(form, f"action_{i}"), _text(form, f"owner_{i}")) for i in range(1, rows + 1)],
        action_dues=[_text(form, f"due_{i}") for i in range(1, rows + 1)],
        police_systems_updated=form.get("police_systems_updated") == "yes",
        police_updated_by=_text(form, "police_updated_by"), nrm=_text(form, "nrm"),
        nrm_referral_date=_text(form, "nrm_referral_date"),
        nrm_first_responder=_text(form, "nrm_first_responder"), nrm_reason=_text(form, "nrm_reason"),
        tier1=form.get("tier1") == "yes", disruption=_text(form, "disruption"), notes=_text(form, "notes"),
        correction_reason=_text(form, "correction_reason"),
    )
    errors = []
    if not _is_choice(kept.level, Level):
        errors.append(FieldError("level-low", "Choose the risk level MAST agreed"))
    if not _is_choice(kept.case_status, CaseStatus):
        errors.append(FieldError("status-added", "Choose the CSE case status"))
    for number, ((text, owner), due) in enumerate(zip(kept.actions, kept.action_dues, strict=True), start=1):
        if text and not owner:
            errors.append(FieldError(f"owner_{number}", f"Say who owns action {number}"))
        elif owner and not text:
            errors.append(FieldError(f"action_{number}", f"Write action {number}, or clear its owner"))
        if not _is_day(due):
            errors.append(FieldError(f"due_{number}", f"Write action {number}'s due date like 2026-12-18"))
        elif due and not text:
            errors.append(FieldError(f"action_{number}", f"Write action {number}, or clear its due date"))
    if not _is_choice(kept.nrm, NrmOutcome):
        errors.append(FieldError("nrm-referred", "Choose the National Referral Mechanism (NRM) outcome"))
    if not _is_day(kept.nrm_referral_date):
        errors.append(FieldError("nrm_referral_date", "Write the NRM referral date like 2026-12-18"))
    if errors:
        return kept, errors
    # The rest are the domain's rules, checked on the record this form would store.
    draft = kept.record("-", "", datetime.min)
    if correcting:
        draft = replace(draft, correction_reason=kept.correction_reason, corrects_decision_id=0)
    return kept, field_errors(problems(draft))
