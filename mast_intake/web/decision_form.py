"""The decision form: its fields as the coordinator left them, and the one function that reads them.

``templates/_decision_form.html`` renders the fields and ``parse_decision_form`` reads them back;
a new field goes in both places and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mast_intake.notifier.decisions import DecisionInput
from mast_intake.storage.tables import CASE_STATUSES, LEVELS, NRM_ANSWERS

ACTION_ROWS = 5


@dataclass(frozen=True)
class FieldError:
    """A problem with one field; ``field_id`` is the id the error summary links to."""

    field_id: str
    message: str


@dataclass
class DecisionForm:
    """What the coordinator typed, kept as typed so a refused form comes back filled in."""

    level: str = ""
    case_status: str = ""
    nrm: str = ""
    tier1: bool = False
    notes: str = ""
    correction_reason: str = ""
    actions: list[tuple[str, str]] = field(default_factory=lambda: [("", "")] * ACTION_ROWS)

    def decision(self, submission_id: int, decided_by: str) -> DecisionInput:
        """The decision to record, from a form that passed ``parse_decision_form``."""
        return DecisionInput(submission_id, self.level, self.case_status,
                             [a for a in self.actions if a[0]], self.tier1, self.nrm, decided_by,
                             self.notes, self.correction_reason)


def _text(form: Mapping[str, Any], name: str) -> str:
    return str(form.get(name, "") or "").strip()


def parse_decision_form(form: Mapping[str, Any], correcting: bool) -> tuple[DecisionForm, list[FieldError]]:
    """The form as typed, and its problems (empty when it can be recorded)."""
    kept = DecisionForm(
        level=_text(form, "level"), case_status=_text(form, "case_status"), nrm=_text(form, "nrm"),
        tier1=form.get("tier1") == "yes", notes=_text(form, "notes"),
        correction_reason=_text(form, "correction_reason"),
        actions=[(_text(form, f"action_{i}"), _text(form, f"owner_{i}")) for i in range(1, ACTION_ROWS + 1)],
    )
    errors = []
    if kept.level not in LEVELS:
        errors.append(FieldError("level-low", "Choose the risk level MAST agreed"))
    if kept.case_status not in CASE_STATUSES:
        errors.append(FieldError("status-added", "Choose whether the CSE case status is added, removed or "
                                                 "unchanged"))
    for number, (text, owner) in enumerate(kept.actions, start=1):
        if text and not owner:
            errors.append(FieldError(f"owner_{number}", f"Say who owns action {number}"))
        elif owner and not text:
            errors.append(FieldError(f"action_{number}", f"Write action {number}, or clear its owner"))
    if kept.nrm not in NRM_ANSWERS:
        errors.append(FieldError("nrm-yes", "Choose the National Referral Mechanism (NRM) decision"))
    if correcting and not kept.correction_reason:
        errors.append(FieldError("correction_reason", "Say why the earlier decision is being corrected"))
    return kept, errors
