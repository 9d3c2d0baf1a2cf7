"""Decisions: append-only records of what a meeting decided about an entry."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import col, select

from mast_intake.domain.agenda import EntryLike
from mast_intake.domain.decisions import Action, DecisionRecord, check_decision_allowed, check_decision_values
from mast_intake.domain.enums import CaseStatus, Level, NrmOutcome
from mast_intake.models.rows import Decision, Submission
from mast_intake.storage.repositories.agenda import SqlAgendaRepository
from mast_intake.storage.repositories.base import SqlRepository

# Decision columns holding free text, sealed at rest.
SEALED_DECISION_COLUMNS = ("recommendations", "actions_json", "level_rationale", "police_updated_by",
                           "nrm_first_responder", "nrm_reason", "disruption", "correction_reason")


class SqlDecisionRepository(SqlRepository):
    """The ``ports.DecisionRepository``, on SQL."""

    def record(
        self,
        *,
        entry: EntryLike | int,
        level: str,
        case_status: str,
        recommendations: str,
        actions: Sequence[dict],
        tier1: bool,
        nrm: str,
        next_review_date: date | None,
        decided_by: str,
        decided_at: datetime | None = None,
        corrects_decision_id: int | None = None,
        level_rationale: str = "",
        police_systems_updated: bool = False,
        police_updated_by: str = "",
        nrm_referral_date: date | None = None,
        nrm_first_responder: str = "",
        nrm_reason: str = "",
        disruption: str = "",
        decided_by_role: str = "",
        correction_reason: str = "",
    ) -> Decision:
        """Append a decision (or correction); DecisionNotAllowed if the entry's state forbids it.

        ``actions`` are ``{"text", "owner"[, "due"]}`` dicts. ``level``, ``case_status`` and
        ``nrm`` must be among the value lists of ``domain.enums`` (ValueError otherwise).
        """
        check_decision_values(level, case_status, nrm, actions)
        agenda = SqlAgendaRepository(self.session, self.sealer, self.clock)
        # The lock makes two people deciding at once take turns: the second sees "decided".
        locked = agenda._lock(entry)
        corrects = (
            self.session.get(Decision, corrects_decision_id) if corrects_decision_id is not None else None
        )
        check_decision_allowed(locked, corrects, corrects_decision_id)
        seal = self.sealer.seal
        assert locked.id is not None  # a locked entry is a stored row
        decision = Decision(
            agenda_entry_id=locked.id,
            submission_id=locked.submission_id,
            level=level,
            case_status=case_status,
            recommendations=seal(recommendations),
            actions_json=seal(json.dumps([dict(a) for a in actions])),
            tier1=tier1,
            nrm=nrm,
            next_review_date=next_review_date,
            decided_by=decided_by,
            decided_at=decided_at or self.clock(),
            corrects_decision_id=corrects_decision_id,
            created_at=self.clock(),
            level_rationale=seal(level_rationale),
            police_systems_updated=police_systems_updated,
            police_updated_by=seal(police_updated_by),
            nrm_referral_date=nrm_referral_date,
            nrm_first_responder=seal(nrm_first_responder),
            nrm_reason=seal(nrm_reason),
            disruption=seal(disruption),
            decided_by_role=decided_by_role,
            correction_reason=seal(correction_reason),
        )
        self.session.add(decision)
        if locked.state != "decided":
            agenda.mark_decided(locked)
        self.session.flush()
        return decision

    def append(self, entry: EntryLike | int, record: DecisionRecord) -> DecisionRecord:
        """Store a checked domain record (see ``domain.cycle``); returns it with its id."""
        row = self.record(
            entry=entry, level=record.level, case_status=record.case_status,
            recommendations=record.notes, actions=[a.to_dict() for a in record.actions],
            tier1=record.tier1, nrm=record.nrm, next_review_date=record.next_review_date,
            decided_by=record.decided_by, decided_at=record.decided_at,
            corrects_decision_id=record.corrects_decision_id, level_rationale=record.level_rationale,
            police_systems_updated=record.police_systems_updated,
            police_updated_by=record.police_updated_by, nrm_referral_date=record.nrm_referral_date,
            nrm_first_responder=record.nrm_first_responder, nrm_reason=record.nrm_reason,
            disruption=record.disruption, decided_by_role=record.decided_by_role,
            correction_reason=record.correction_reason,
        )
        return self.to_record(row)

    def to_record(self, row: Decision) -> DecisionRecord:
        """The stored row as the domain's decision record, free text unsealed."""
        def unseal(value: str) -> str:
            # Empty means never written: rows from before revision 0004 hold "" unsealed.
            return self.sealer.unseal(value) if value else ""

        return DecisionRecord(
            id=row.id, level=Level.parse(row.level), case_status=CaseStatus.parse(row.case_status),
            decided_by=row.decided_by, decided_at=row.decided_at,
            level_rationale=unseal(row.level_rationale),
            actions=tuple(Action.from_dict(a) for a in self.actions(row)),
            police_systems_updated=row.police_systems_updated,
            police_updated_by=unseal(row.police_updated_by), nrm=NrmOutcome.from_stored(row.nrm),
            nrm_referral_date=row.nrm_referral_date, nrm_first_responder=unseal(row.nrm_first_responder),
            nrm_reason=unseal(row.nrm_reason), tier1=row.tier1, disruption=unseal(row.disruption),
            notes=self.recommendations(row), decided_by_role=row.decided_by_role,
            next_review_date=row.next_review_date, correction_reason=unseal(row.correction_reason),
            corrects_decision_id=row.corrects_decision_id,
        )

    def current(self, entry_id: int) -> DecisionRecord | None:
        """The decision that stands for the entry, as a domain record, or None."""
        row = self.latest_for_entry(entry_id)
        return None if row is None else self.to_record(row)

    def get(self, decision_id: int) -> Decision | None:
        """The decision with this id, or None."""
        return self.session.get(Decision, decision_id)

    def latest_for_entry(self, entry_id: int) -> Decision | None:
        """The decision that stands for the entry: the newest, corrections included."""
        return self.session.exec(
            select(Decision).where(Decision.agenda_entry_id == entry_id).order_by(col(Decision.id).desc())
        ).first()

    def for_entry(self, entry_id: int) -> list[Decision]:
        """Every decision and correction for the entry, oldest first."""
        return list(
            self.session.exec(
                select(Decision).where(Decision.agenda_entry_id == entry_id).order_by(col(Decision.id))
            )
        )

    def for_child(self, child_id: int) -> list[Decision]:
        """Every decision about the child's submissions, oldest first."""
        return list(
            self.session.exec(
                select(Decision)
                .join(Submission, col(Submission.id) == col(Decision.submission_id))
                .where(Submission.child_id == child_id)
                .order_by(col(Decision.decided_at), col(Decision.id))
            )
        )

    def recommendations(self, decision: Decision) -> str:
        """The recommendations as written."""
        return self.sealer.unseal(decision.recommendations)

    def actions(self, decision: Decision) -> list[dict]:
        """The actions, as ``{"text", "owner"[, "due"]}`` dicts."""
        return json.loads(self.sealer.unseal(decision.actions_json))
