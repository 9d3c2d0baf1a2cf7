"""The partnership report's queries: each tool's stored facts, and the reviews overdue."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from mast_intake.models.rows import Child, Decision, Submission, ToolFact
from mast_intake.models.stored import ToolRow
from mast_intake.storage.repositories.base import SqlRepository, table_of

_S, _D, _C, _F = table_of(Submission), table_of(Decision), table_of(Child), table_of(ToolFact)
CHUNK = 500
# The latest decision first (corrections included).
_NEWEST = (_D.c.decided_at.desc(), _D.c.id.desc())


def _aware(moment: datetime | None) -> datetime | None:
    # An aggregate (MIN) of a SQLite timestamp comes back naive UTC: the column type is not applied.
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class SqlReportRepository(SqlRepository):
    """What the partnership report reads: facts kept per tool so each record is opened once."""

    def _in_period(self, low: datetime, high: datetime) -> sa.ColumnElement:
        return sa.and_(_S.c.status == "parsed", _S.c.received_at >= low, _S.c.received_at < high)

    def _unsealed_json(self, stored: str | None, empty: Any) -> Any:
        return json.loads(self.sealer.unseal(stored)) if stored else empty

    def tools_without_facts(self, low: datetime, high: datetime) -> list[tuple[int, dict, list[dict]]]:
        """The period's parsed tools with no facts kept yet: id, record and findings, unsealed."""
        missing = self.session.execute(
            sa.select(_S.c.id, _S.c.record_json, _S.c.findings_json)
            .outerjoin(_F, _F.c.submission_id == _S.c.id)
            .where(self._in_period(low, high), _F.c.submission_id.is_(None))
        ).all()
        return [(row.id, self._unsealed_json(row.record_json, {}), self._unsealed_json(row.findings_json, []))
                for row in missing]

    def add_facts(self, facts: Sequence[tuple[int, str, str]]) -> None:
        """Keep (submission id, sex category, space-separated check codes) for each tool."""
        rows = [{"submission_id": sid, "sex": sex, "codes": codes} for sid, sex, codes in facts]
        for start in range(0, len(rows), CHUNK):
            self.session.execute(sa.insert(_F), rows[start:start + CHUNK])

    def tool_rows(self, low: datetime, high: datetime) -> list[ToolRow]:
        """One row per parsed tool received in [low, high), with its kept facts and decisions."""
        in_period = self._in_period(low, high)
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
                      sa.func.row_number().over(partition_by=_D.c.submission_id, order_by=_NEWEST)
                      .label("rank"))
            .join(_S, _S.c.id == _D.c.submission_id)
            .where(in_period)
            .subquery()
        )
        latest = sa.select(ranked).where(ranked.c.rank == 1).subquery()
        tools = self.session.execute(
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
            ToolRow(submission_id=row.id, received_at=row.received_at, child_id=row.child_id,
                    sender=row.sender, assessment_date=row.assessment_date, dob=row.dob,
                    child_first_at=_aware(row.child_first_at), sex=row.sex, codes=row.codes,
                    level=row.level, nrm=row.nrm, tier1=row.tier1, decided_at=_aware(row.decided_at))
            for row in tools
        ]

    def reviews_overdue(self, today: date) -> int:
        """Children whose latest decision's review date has passed with no newer tool received.

        A child taken off the list (case status "removed") has no review due.
        """
        ranked = (
            sa.select(_S.c.child_id, _D.c.decided_at, _D.c.next_review_date, _D.c.case_status,
                      sa.func.row_number().over(partition_by=_S.c.child_id, order_by=_NEWEST).label("rank"))
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
        return int(self.session.execute(statement).scalar_one())
