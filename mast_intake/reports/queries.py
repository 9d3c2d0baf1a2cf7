"""Read the facts the partnership report needs, through the report repository.

The child's sex (read from the sealed record) and the check codes of its findings are read once
per tool and kept in ``tool_fact`` (a category and codes, never the words written), so later
reports open nothing sealed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from mast_intake.ports import UnitOfWork
from mast_intake.reports.figures import AWAITING, ToolFacts, age_band, sex_of, team_of


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The UTC instants from the start of ``start`` to the end of ``end``."""
    return datetime.combine(start, time.min, UTC), datetime.combine(end + timedelta(days=1), time.min, UTC)


def _remember_facts(uow: UnitOfWork, low: datetime, high: datetime) -> None:
    """Keep the facts of the period's tools that have none yet (opening them once)."""
    uow.reports.add_facts([
        (sid, sex_of(record.get("fields", {}).get("gender", "")), " ".join(f["code"] for f in findings))
        for sid, record, findings in uow.reports.tools_without_facts(low, high)
    ])


def tool_facts(uow: UnitOfWork, start: date, end: date) -> list[ToolFacts]:
    """One :class:`ToolFacts` per parsed tool received from ``start`` to ``end``."""
    low, high = period_bounds(start, end)
    _remember_facts(uow, low, high)
    return [
        ToolFacts(
            submission_id=row.submission_id, received_at=row.received_at, child_id=row.child_id,
            first_of_child=row.child_first_at is not None and row.child_first_at >= row.received_at,
            sex=row.sex, age_band=age_band(row.dob, row.assessment_date or row.received_at.date()),
            team=team_of(row.sender), level=row.level or AWAITING, decided_at=row.decided_at,
            nrm=row.nrm, tier1=bool(row.tier1), finding_codes=tuple(row.codes.split()),
        )
        for row in uow.reports.tool_rows(low, high)
    ]


def reviews_overdue(uow: UnitOfWork, today: date) -> int:
    """Children whose latest decision's review date has passed with no newer tool received."""
    return uow.reports.reviews_overdue(today)
