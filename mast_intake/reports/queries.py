"""Read the facts the partnership report needs from storage (SQLite or PostgreSQL).

Kept apart from the repositories so the report's reading can change without touching them. The
child's sex (read from the sealed record) and the check codes of its findings are read once per
tool and kept in ``tool_fact`` (a category and codes, never the words written), so later reports
open nothing sealed.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from mast_intake.models.rows import Child, Decision, Submission, ToolFact
from mast_intake.reports.figures import AWAITING, ToolFacts, age_band, sex_of, team_of
from mast_intake.storage.sealing import Sealer
from mast_intake.storage.unit_of_work import SqlUnitOfWork

_S, _D, _C, _F = Submission.__table__, Decision.__table__, Child.__table__, ToolFact.__table__
CHUNK = 500


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The UTC instants from the start of ``start`` to the end of ``end``."""
    return datetime.combine(start, time.min, UTC), datetime.combine(end + timedelta(days=1), time.min, UTC)


def _unsealed_json(sealer: Sealer, stored: str | None, empty: Any) -> Any:
    return json.loads(sealer.unseal(stored)) if stored else empty


def _remember_facts(uow: SqlUnitOfWork, in_period: sa.ColumnElement) -> None:
    """Fill ``tool_fact`` for the period's tools that have none yet (opening them once)."""
    session, sealer = uow.session, uow.sealer
    assert session is not None
    missing = session.execute(
        sa.select(_S.c.id, _S.c.record_json, _S.c.findings_json)
        .outerjoin(_F, _F.c.submission_id == _S.c.id)
        .where(in_period, _F.c.submission_id.is_(None))
    ).all()
    rows = [{"submission_id": row.id,
             "sex": sex_of(_unsealed_json(sealer, row.record_json, {}).get("fields", {}).get("gender", "")),
             "codes": " ".join(f["code"] for f in _unsealed_json(sealer, row.findings_json, []))}
            for row in missing]
    for start in range(0, len(rows), CHUNK):
        session.execute(sa.insert(_F), rows[start:start + CHUNK])


def tool_facts(uow: SqlUnitOfWork, start: date, end: date) -> list[ToolFacts]:
    """One :class:`ToolFacts` per parsed tool received from ``start`` to ``end``."""
    session = uow.session
    assert session is not None
    low, high = period_bounds(start, end)
    in_period = sa.and_(_S.c.status == "parsed", _S.c.received_at >= low, _S.c.received_at < high)
    _remember_facts(uow, in_period)
    first_seen = (
        sa.select(_S.c.child_id, sa.func.min(_S.c.received_at).label("first_at"))
        .where(_S.c.status == "parsed", _S.c.child_id.is_not(None))
        .group_by(_S.c.child_id)
        .subquery()
    )
    # Per tool: its latest decision (corrections included) and the time of its first.
    ranked = (
        sa.select(_D.c.submission_id, _D.c.level, _D.c.nrm, _D.c.tier1,
                  sa.func.min(_D.c.decided_at).over(partition_by=_D.c.submission_id).label("first_at"),
                  sa.func.row_number().over(partition_by=_D.c.submission_id,
                                            order_by=(_D.c.decided_at.desc(), _D.c.id.desc())).label("rank"))
        .join(_S, _S.c.id == _D.c.submission_id)
        .where(in_period)
        .subquery()
    )
    latest = sa.select(ranked).where(ranked.c.rank == 1).subquery()
    tools = session.execute(
        sa.select(_S.c.id, _S.c.received_at, _S.c.child_id, _S.c.sender, _S.c.assessment_date,
                  _C.c.dob, first_seen.c.first_at.label("child_first_at"), _F.c.sex, _F.c.codes,
                  latest.c.level, latest.c.nrm, latest.c.tier1, latest.c.first_at.label("decided_at"))
        .outerjoin(_C, _C.c.id == _S.c.child_id)
        .outerjoin(first_seen, first_seen.c.child_id == _S.c.child_id)
        .outerjoin(_F, _F.c.submission_id == _S.c.id)
        .outerjoin(latest, latest.c.submission_id == _S.c.id)
        .where(in_period)
    ).all()
    return [
        ToolFacts(
            submission_id=row.id, received_at=row.received_at, child_id=row.child_id,
            first_of_child=row.child_first_at is not None and _aware(row.child_first_at) >= row.received_at,
            sex=row.sex, age_band=age_band(row.dob, row.assessment_date or row.received_at.date()),
            team=team_of(row.sender), level=row.level or AWAITING,
            decided_at=_aware(row.decided_at) if row.decided_at is not None else None,
            nrm=row.nrm, tier1=bool(row.tier1), finding_codes=tuple(row.codes.split()),
        )
        for row in tools
    ]


def reviews_overdue(uow: SqlUnitOfWork, today: date) -> int:
    """Children whose latest decision's review date has passed with no newer tool received.

    A child taken off the list (case status "removed") has no review due.
    """
    session = uow.session
    assert session is not None
    ranked = (
        sa.select(_S.c.child_id, _D.c.decided_at, _D.c.next_review_date, _D.c.case_status,
                  sa.func.row_number().over(partition_by=_S.c.child_id,
                                            order_by=(_D.c.decided_at.desc(), _D.c.id.desc())).label("rank"))
        .join(_S, _S.c.id == _D.c.submission_id)
        .where(_S.c.child_id.is_not(None))
        .subquery()
    )
    last_tool = (
        sa.select(_S.c.child_id, sa.func.max(_S.c.received_at).label("last_at"))
        .where(_S.c.status == "parsed", _S.c.child_id.is_not(None))
        .group_by(_S.c.child_id)
        .subquery()
    )
    statement = (
        sa.select(sa.func.count())
        .select_from(ranked.join(last_tool, last_tool.c.child_id == ranked.c.child_id))
        .where(ranked.c.rank == 1, ranked.c.next_review_date < today, ranked.c.case_status != "removed",
               last_tool.c.last_at <= ranked.c.decided_at)
    )
    return int(session.execute(statement).scalar_one())


def _aware(moment: datetime) -> datetime:
    # An aggregate (MIN) of a SQLite timestamp comes back naive UTC: the column type is not applied.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
