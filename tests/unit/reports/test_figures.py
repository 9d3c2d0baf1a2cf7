"""The report's categories, percentile and small-number suppression, on hand-made facts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from mast_intake.reports.export import rows, shown, to_csv, to_text
from mast_intake.reports.figures import AWAITING, ToolFacts, age_band, compute, nearest_rank, sex_of, team_of
from mast_intake.web.report_charts import bar_chart

DAY = datetime(2026, 5, 4, 9, tzinfo=UTC)


def _tool(n: int, child: int | None, first: bool = False, decided_hours: float | None = None,
          codes: tuple[str, ...] = (), sex: str = "female", level: str = AWAITING,
          day: datetime = DAY) -> ToolFacts:
    return ToolFacts(n, day + timedelta(minutes=n), child, first, sex, "13-15", "northyorks.gov.uk", level,
                     day + timedelta(minutes=n, hours=decided_hours) if decided_hours is not None else None,
                     "yes" if decided_hours else None, bool(decided_hours), codes)


def test_categories() -> None:
    assert [sex_of(g) for g in ("Female", " f ", "GIRL", "Male", "m.", "boy", "Non-binary", "")] == [
        "female", "female", "female", "male", "male", "male", "other", "not recorded"]
    born = date(2012, 6, 15)
    assert [age_band(born, d) for d in (date(2022, 6, 14), date(2022, 6, 15), date(2025, 6, 15),
                                        date(2028, 6, 15), date(2030, 6, 15))] == [
        "under 10", "10-12", "13-15", "16-17", "18 and over"]
    assert age_band(None, date(2026, 1, 1)) == "not recorded"
    assert team_of("Sam.Worker@NorthYorks.gov.uk") == "northyorks.gov.uk"


def test_nearest_rank_percentile() -> None:
    assert nearest_rank([5.0, 1.0, 3.0, 2.0, 4.0], 0.9) == 5.0
    assert nearest_rank(list(map(float, range(1, 11))), 0.9) == 9.0
    assert nearest_rank([7.0], 0.9) == 7.0


def test_children_are_counted_once_from_their_latest_tool() -> None:
    tools = [_tool(1, 1, first=True, sex="male"), _tool(2, 1, sex="female", level="high", decided_hours=24),
             _tool(3, 2), _tool(4, None)]
    report = compute(date(2026, 5, 1), date(2026, 5, 31), tools, reviews_overdue=0)
    counts = (report.tools_received, report.children, report.new_children, report.review_children)
    assert counts == (4, 2, 1, 1)
    assert report.by_sex["female"] == 2 and report.by_sex["male"] == 0
    assert report.by_level == {"high": 1, "medium": 0, "low": 0, AWAITING: 1}
    assert report.median_days == 1.0 and report.nrm_referrals == 1 and report.tier1 == 1


def test_exports_suppress_counts_from_one_to_four() -> None:
    assert [shown(n) for n in (0, 1, 4, 5, 12)] == ["0", "<5", "<5", "5", "12"]
    tools = [_tool(n, n, first=True, decided_hours=n, codes=("INITIALS_ONLY",) * (n % 2))
             for n in range(1, 8)]
    tools += [_tool(20, 20, first=True, codes=("REPEATED_POINT",), day=DAY + timedelta(days=31))]
    report = compute(date(2026, 5, 1), date(2026, 6, 30), tools, reviews_overdue=3)
    exported = {(m, g): v for m, g, v in rows(report)}
    assert exported[("tools_received", "all")] == "8"
    assert exported[("reviews_overdue_now", "all")] == "<5"
    assert exported[("days_receipt_to_decision", "median")] == "0.2"  # seven decided tools
    assert exported[("findings_by_month", "2026-05 INITIALS_ONLY")] == "<5"  # four of them
    assert exported[("findings_per_tool", "2026-05 INITIALS_ONLY")] == "<5"  # 4/7 would reveal it
    assert exported[("tools_by_month", "2026-06")] == "<5"
    assert exported[("findings_per_tool", "2026-06 REPEATED_POINT")] == "<5"
    parsed = list(csv.reader(io.StringIO(to_csv(report))))
    assert parsed[0] == ["measure", "group", "value"] and len(parsed) == len(list(rows(report))) + 1
    assert "Reviews overdue now" in to_text(report)
    few = compute(date(2026, 5, 1), date(2026, 5, 31), tools[:3], reviews_overdue=0)
    assert {(m, g): v for m, g, v in rows(few)}[("days_receipt_to_decision", "median")] == "<5"


def test_bar_chart_is_labelled_for_screen_readers() -> None:
    svg = str(bar_chart("by-sex", "Children by sex", [("female", 12), ("male", 3)]))
    assert 'role="img"' in svg and 'aria-labelledby="by-sex-title by-sex-desc"' in svg
    assert "female: 12; male: 3" in svg and ">12</text>" in svg
