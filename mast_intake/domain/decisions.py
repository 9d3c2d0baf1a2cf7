"""The complete decision record MAST keeps for a case, its checks, and corrections.

A record holds: the agreed level and why; the CSE case status (closing needs the closure review:
the level reviewed with a rationale and police systems updated, with VEMT Tier 1 considered);
actions each with an owner and an optional due date; whether police systems were updated and by
whom; the NRM outcome (referred: with the referral date and first responder; considered and not
referred: with the reason; not applicable); VEMT Tier 1; disruption considered; notes; who
decided (display name and role) and when.

Corrections never edit a decision: a correction is a new record that starts from the decision
standing, changes only the fields given, must say why, and names the decision it corrects.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from mast_intake.domain.enums import LEGACY_NRM, AgendaState, CaseStatus, Level, NrmOutcome
from mast_intake.domain.errors import DecisionInvalid, DecisionNotAllowed, Problem


@dataclass(frozen=True)
class Action:
    """An action agreed at the meeting: what, who, and by when (if agreed)."""

    text: str
    owner: str
    due: date | None = None

    def to_dict(self) -> dict:
        """As stored and exported."""
        return {"text": self.text, "owner": self.owner, "due": self.due.isoformat() if self.due else None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Action:
        """From a stored dict (older rows have no ``due``)."""
        due = data.get("due")
        return cls(str(data.get("text", "")), str(data.get("owner", "")),
                   date.fromisoformat(due) if due else None)


@dataclass(frozen=True)
class DecisionRecord:
    """Everything MAST decided about one case (see the module docstring)."""

    level: Level
    case_status: CaseStatus
    decided_by: str
    decided_at: datetime
    level_rationale: str = ""
    actions: tuple[Action, ...] = ()
    police_systems_updated: bool = False
    police_updated_by: str = ""
    nrm: NrmOutcome = NrmOutcome.NOT_APPLICABLE
    nrm_referral_date: date | None = None
    nrm_first_responder: str = ""
    nrm_reason: str = ""
    tier1: bool = False
    disruption: str = ""
    notes: str = ""
    decided_by_role: str = ""
    next_review_date: date | None = None
    correction_reason: str = ""
    corrects_decision_id: int | None = None
    id: int | None = field(default=None, compare=False)

    @property
    def is_correction(self) -> bool:
        """True when this record corrects an earlier one."""
        return self.corrects_decision_id is not None

    @property
    def decided_by_text(self) -> str:
        """"Pat Chair (MAST coordinator)", or just the name when no role was given."""
        return f"{self.decided_by} ({self.decided_by_role})" if self.decided_by_role else self.decided_by

    def to_dict(self) -> dict:
        """The whole record for JSON output and export."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, datetime | date):
                value = value.isoformat()
            elif f.name == "actions":
                value = [a.to_dict() for a in value]
            out[f.name] = value
        out["reference"] = f"D-{self.id}" if self.id is not None else None
        return out


# Fields a correction may change (not who made it, when, or what it corrects).
CORRECTABLE = frozenset({
    "level", "case_status", "level_rationale", "actions", "police_systems_updated",
    "police_updated_by", "nrm", "nrm_referral_date", "nrm_first_responder", "nrm_reason", "tier1",
    "disruption", "notes",
})


def problems(record: DecisionRecord) -> list[str]:
    """Every way ``record`` is incomplete or inconsistent, in plain words ([] when complete)."""
    return [p.message for p in field_problems(record)]


def field_problems(record: DecisionRecord) -> list[Problem]:
    """Every way ``record`` is incomplete or inconsistent, each with the field it is about."""
    found = []
    if not record.level_rationale.strip():
        found.append(Problem("level_rationale", "Give the rationale for the agreed risk level."))
    if not record.decided_by.strip():
        found.append(Problem("decided_by", "Say who made the decision."))
    for number, action in enumerate(record.actions, start=1):
        if not action.text.strip() or not action.owner.strip():
            found.append(Problem("actions", f"Action {number} needs both what is to be done and who owns it.",
                                 action=number))
    if record.police_systems_updated and not record.police_updated_by.strip():
        found.append(Problem("police_updated_by", "Say who updated the police systems."))
    if record.nrm is NrmOutcome.REFERRED:
        if record.nrm_referral_date is None:
            found.append(Problem("nrm_referral_date", "Give the date of the NRM referral."))
        if not record.nrm_first_responder.strip():
            found.append(Problem("nrm_first_responder", "Name the NRM first responder."))
    if record.nrm is NrmOutcome.NOT_REFERRED and not record.nrm_reason.strip():
        found.append(Problem("nrm_reason", "Say why an NRM referral was considered and not made."))
    if record.case_status is CaseStatus.CLOSED_AFTER_REVIEW and not record.police_systems_updated:
        found.append(Problem("police_systems_updated", "Before a CSE case closes, the police systems must be "
                                                       "updated (closure review)."))
    if record.is_correction and not record.correction_reason.strip():
        found.append(Problem("correction_reason", "Say why the earlier decision is being corrected."))
    return found


def check(record: DecisionRecord) -> DecisionRecord:
    """``record`` if complete; DecisionInvalid listing every problem otherwise."""
    found = field_problems(record)
    if found:
        raise DecisionInvalid(found)
    return record


def correction_of(current: DecisionRecord, changes: Mapping[str, Any], *, reason: str,
                  decided_by: str, decided_by_role: str, decided_at: datetime) -> DecisionRecord:
    """A correction of ``current``: every field not in ``changes`` kept; a reason required."""
    unknown = set(changes) - CORRECTABLE
    if unknown:
        raise ValueError(f"these fields cannot be corrected: {', '.join(sorted(unknown))}")
    if current.id is None:
        raise ValueError("only a stored decision can be corrected")
    corrected = dataclasses.replace(
        current, **dict(changes), correction_reason=reason.strip(), corrects_decision_id=current.id,
        decided_by=decided_by, decided_by_role=decided_by_role, decided_at=decided_at, id=None)
    return check(corrected)


def check_decision_allowed(entry: Any, corrects: Any | None, corrects_decision_id: int | None) -> None:
    """Raise DecisionNotAllowed unless a decision (or a correction) may be stored for ``entry``.

    ``entry`` is an agenda entry; ``corrects`` the stored decision named by
    ``corrects_decision_id`` (anything with ``agenda_entry_id``), or None.
    """
    if corrects_decision_id is not None:
        if corrects is None or corrects.agenda_entry_id != entry.id:
            raise DecisionNotAllowed(
                f"decision {corrects_decision_id} is not a decision about agenda entry {entry.id}")
        if entry.state != AgendaState.DECIDED:
            raise DecisionNotAllowed(f"agenda entry {entry.id} has no decision to correct")
        return
    if entry.state == AgendaState.DECIDED:
        raise DecisionNotAllowed(f"agenda entry {entry.id} is already decided: record a correction instead")
    if entry.state != AgendaState.ON_AGENDA:
        raise DecisionNotAllowed(f"agenda entry {entry.id} is {entry.state}, not on an agenda")


def check_decision_values(level: str, case_status: str, nrm: str, actions: Sequence[Mapping]) -> None:
    """Raise ValueError for stored values outside the value lists."""
    Level.parse(level)
    CaseStatus.parse(case_status)
    if nrm not in LEGACY_NRM:
        NrmOutcome.parse(nrm)
    for action in actions:
        if not {"text", "owner"} <= set(action) <= {"text", "owner", "due"}:
            raise ValueError("each action must have the keys text and owner (and may have due)")
