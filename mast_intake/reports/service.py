"""Build the partnership report from storage, and export it with an audit line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from mast_intake.ports import UnitOfWork
from mast_intake.reports.export import audited_export, to_csv, to_text
from mast_intake.reports.figures import Report, compute
from mast_intake.reports.queries import reviews_overdue, tool_facts


def build_report(uow: UnitOfWork, start: date, end: date, today: date) -> Report:
    """The report for tools received from ``start`` to ``end``; reviews overdue as of ``today``."""
    if end < start:
        raise ValueError("the period ends before it starts")
    return compute(start, end, tool_facts(uow, start, end), reviews_overdue(uow, today))


def export_report(uow_factory: Callable[[], UnitOfWork], start: date, end: date, today: date,
                  actor: str, form: str = "csv") -> str:
    """The report as CSV (``form`` "csv") or text, suppressed, audited in the same transaction."""
    with uow_factory() as uow:
        report = build_report(uow, start, end, today)
        text = audited_export(report, to_csv if form == "csv" else to_text, uow.audit.append, actor, form)
        uow.commit()
    return text
