"""The partnership report as rows for outside use: CSV and plain text, small numbers suppressed.

A count from 1 to 4 is shown as "<5" so that no child can be picked out; zero is shown. Times
and ratios built on fewer than five tools, and ratios whose count is suppressed, are "<5" too.
Each export is written to the audit log by the caller (:func:`audited_export`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from mast_intake.reports.figures import Report

SUPPRESSED = "<5"
THRESHOLD = 5
Row = tuple[str, str, str]


def shown(count: int) -> str:
    """A count as exported."""
    return SUPPRESSED if 0 < count < THRESHOLD else str(count)


def _days(value: float | None, basis: int) -> str:
    if basis < THRESHOLD:
        return SUPPRESSED if basis else ""
    return f"{value:.1f}"


def rows(report: Report) -> Iterator[Row]:
    """(measure, group, value) for every figure, suppressed for export."""
    yield "period", "from", report.start.isoformat()
    yield "period", "to", report.end.isoformat()
    yield "tools_received", "all", shown(report.tools_received)
    yield "children_identified", "all", shown(report.children)
    yield "children_identified", "new", shown(report.new_children)
    yield "children_identified", "review", shown(report.review_children)
    breakdowns = (("children_by_sex", report.by_sex), ("children_by_age_band", report.by_age_band),
                  ("children_by_area_team", report.by_team), ("children_by_level", report.by_level))
    for measure, counts in breakdowns:
        for group, count in counts.items():
            yield measure, group, shown(count)
    yield "days_receipt_to_decision", "tools decided", shown(report.decided_tools)
    yield "days_receipt_to_decision", "median", _days(report.median_days, report.decided_tools)
    yield "days_receipt_to_decision", "90th percentile", _days(report.p90_days, report.decided_tools)
    yield "reviews_overdue_now", "all", shown(report.reviews_overdue)
    yield "nrm_referrals", "all", shown(report.nrm_referrals)
    yield "tier1", "all", shown(report.tier1)
    for month in report.months:
        yield "tools_by_month", month.month, shown(month.tools)
        for code in report.codes:
            count = month.by_code.get(code, 0)
            yield "findings_by_month", f"{month.month} {code}", shown(count)
            small = month.tools < THRESHOLD or 0 < count < THRESHOLD
            per_tool = SUPPRESSED if small else f"{month.per_tool(code):.2f}"
            yield "findings_per_tool", f"{month.month} {code}", per_tool


def to_csv(report: Report) -> str:
    """The report as CSV text with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("measure", "group", "value"))
    writer.writerows(rows(report))
    return buffer.getvalue()


def to_text(report: Report) -> str:
    """The report as aligned plain text, for the terminal."""
    lines = []
    previous = ""
    for measure, group, value in rows(report):
        if measure != previous:
            lines.append(measure.replace("_", " ").capitalize())
            previous = measure
        lines.append(f"  {group:<48} {value}")
    return "\n".join(lines) + "\n"


def audited_export(report: Report, render: Callable[[Report], str], append_audit: Callable[..., object],
                   actor: str, form: str) -> str:
    """The report rendered for export, with an "exported" audit line (period and form only)."""
    text = render(report)
    append_audit(actor, "exported", "report", f"{report.start.isoformat()}..{report.end.isoformat()}",
                 f"form={form} tools={report.tools_received}")
    return text
