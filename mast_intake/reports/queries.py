"""Read the facts the partnership report needs from storage (SQLite or PostgreSQL).

Kept apart from the repositories so the report's reading can change without touching them. The
sealed columns (the record, for the gender field, and the findings) are opened through the unit
of work's sealer; nothing read here is written anywhere else.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from mast_intake.intake.unit_of_work import SqlUnitOfWork
from mast_intake.reports.figures import AWAITING, ToolFacts, age_band, sex_of, team_of
from mast_intake.storage.tables import Child, Decision, Submission

_S, _D, _C = Submission.__table__, Decision.__table__, Child.__table__


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The UTC instants from the start of ``start`` to the end of ``end``."""
    return datetime.combine(start, time.min, UTC), datetime.combine(end + timedelta(days=1), time.min, UTC)


def tool_facts(uow: SqlUnitOfWork, start: date, end: date) -> list[ToolFacts]:
    """One :class:`ToolFacts` per parsed tool received from ``start`` to ``end``."""
    session, sealer = uow.session, uow.sealer
    assert session is not None
    low, high = period_bounds(start, end)
    in_period = sa.and_(_S.c.status == "parsed", _S.c.received_at >= low, _S.c.received_at < high)
    first_seen = (
        sa.select(_S.c.child_id, sa.func.min(_S.c.received_at).label("first_at"))
        .where(_S.c.status == "parsed", _S.c.child_id.is_not(None))
        .group_by(_S.c.child_id)
        .subquery()
    )
    tools = session.execute(
        sa.select(_S.c.id, _S.c.received_at, _S.c.child_id, _S.c.sender, _S.c.assessment_date,
                  _S.c.record_json, _S.c.findings_json, _C.c.dob, first_seen.c.first_at)
        .outerjoin(_C, _C.c.id == _S.c.child_id)
        .outerjoin(first_seen, first_seen.c.child_id == _S.c.child_id)
        .where(in_period)
    ).all()
    decisions: dict[int, list] = {}
    for row in session.execute(
        sa.select(_D.c.submission_id, _D.c.id, _D.c.decided_at, _D.c.level, _D.c.nrm, _D.c.tier1)
        .join(_S, _S.c.id == _D.c.submission_id)
        .where(in_period)
    ):
        decisions.setdefault(row.submission_id, []).append(row)
    facts = []
    for row in tools:
        record = json.loads(sealer.unseal(row.record_json)) if row.record_json else {}
        findings = json.loads(sealer.unseal(row.findings_json)) if row.findings_json else []
        made = sorted(decisions.get(row.id, []), key=lambda d: (d.decided_at, d.id))
        received = _aware(row.received_at)
        facts.append(ToolFacts(
            submission_id=row.id, received_at=received, child_id=row.child_id,
            first_of_child=row.first_at is not None and _aware(row.first_at) >= received,
            sex=sex_of(record.get("fields", {}).get("gender", "")),
            age_band=age_band(row.dob, row.assessment_date or received.date()),
            team=team_of(row.sender),
            level=made[-1].level if made else AWAITING,
            decided_at=_aware(made[0].decided_at) if made else None,
            nrm=made[-1].nrm if made else None,
            tier1=bool(made[-1].tier1) if made else False,
            finding_codes=tuple(f["code"] for f in findings),
        ))
    return facts


def reviews_overdue(uow: SqlUnitOfWork, today: date) -> int:
    """Children whose latest decision's review date has passed with no newer tool received.

    A child taken off the list (case status "removed") has no review due.
    """
    session = uow.session
    assert session is not None
    latest: dict[int, tuple] = {}
    for row in session.execute(
        sa.select(_S.c.child_id, _D.c.id, _D.c.decided_at, _D.c.next_review_date, _D.c.case_status)
        .join(_S, _S.c.id == _D.c.submission_id)
        .where(_S.c.child_id.is_not(None))
    ):
        key = (_aware(row.decided_at), row.id)
        if row.child_id not in latest or key > latest[row.child_id][0]:
            latest[row.child_id] = (key, row.next_review_date, row.case_status)
    last_tool = dict(session.execute(  # type: ignore[arg-type]
        sa.select(_S.c.child_id, sa.func.max(_S.c.received_at))
        .where(_S.c.status == "parsed", _S.c.child_id.is_not(None))
        .group_by(_S.c.child_id)
    ).all())
    return sum(
        1 for child_id, ((decided_at, _), review, status) in latest.items()
        if review is not None and review < today and status != "removed"
        and _aware(last_tool.get(child_id, decided_at)) <= decided_at
    )


def _aware(moment: datetime) -> datetime:
    # Raw SELECTs of SQLite timestamps come back naive (UTC); the type decorator makes them aware.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
