"""The partnership report, its CSV and the /reports page against figures computed here from the
seeded values (not with ``mast_intake.reports``), on SQLite and PostgreSQL, with values sealed."""

from __future__ import annotations

import csv
import io
import math
import random
import re
import statistics
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from functools import partial

import pytest
from click.testing import CliRunner

from mast_intake.protection.crypto import AesGcmSealer, new_key, parse_keys
from mast_intake.reports.service import build_report, export_report
from mast_intake.storage import make_engine, make_session_factory, migrate
from mast_intake.storage.unit_of_work import SqlUnitOfWork
from tests.fixtures.report_data import SeedTool, generate, seed
from tests.integration.db_fixtures import throwaway_database

START, END, TODAY = date(2026, 4, 1), date(2026, 9, 30), date(2026, 10, 15)


def _tools() -> list[SeedTool]:
    # Tools from January: those before April make some children reviews rather than new.
    return generate(random.Random(18), 400, date(2026, 1, 1), 300, 90)


def _sex(gender: str) -> str:
    g = gender.strip().lower()
    return {"female": "female", "f": "female", "male": "male", "m": "male", "boy": "male"}.get(
        g, "not recorded" if not g else "other")


def _band(dob: date, on: date) -> str:
    years = on.year - dob.year - (1 if (on.month, on.day) < (dob.month, dob.day) else 0)
    return ("under 10" if years < 10 else "10-12" if years < 13 else "13-15" if years < 16
            else "16-17" if years < 18 else "18 and over")


def expected(tools: list[SeedTool]) -> dict:
    """The figures, straight from the seeded values."""
    window = [(i, t) for i, t in enumerate(tools, start=1) if START <= t.received_at.date() <= END]
    first_ever = {}
    for t in sorted(tools, key=lambda t: t.received_at):
        first_ever.setdefault(t.child, t.received_at)
    latest = {}
    for _, t in sorted(window, key=lambda pair: (pair[1].received_at, pair[0])):
        latest[t.child] = t
    new = {c for c in latest if START <= first_ever[c].date() <= END}
    hours = [t.decision_hours / 24 for _, t in window if t.decision_hours is not None]
    ordered = sorted(hours)
    overdue = 0
    for child in {t.child for t in tools}:
        mine = [t for t in tools if t.child == child]
        decided = [t for t in mine if t.decision_hours is not None]
        if not decided:
            continue
        def last_decided(t: SeedTool) -> datetime:
            return t.received_at + timedelta(hours=t.decision_hours + (1 if t.corrected else 0))

        last = max(decided, key=last_decided)
        decided_at = last_decided(last)
        newest = max(t.received_at for t in mine)
        if last.next_review < TODAY and last.case_status != "removed" and newest <= decided_at:
            overdue += 1
    months: dict[str, Counter] = {}
    tools_by_month: Counter = Counter()
    for _, t in window:
        key = t.received_at.strftime("%Y-%m")
        tools_by_month[key] += 1
        months.setdefault(key, Counter()).update(t.codes)
    return {
        "tools": len(window), "children": len(latest), "new": len(new), "review": len(latest) - len(new),
        "sex": Counter(_sex(t.gender) for t in latest.values()),
        "age": Counter(_band(t.dob, t.received_at.date()) for t in latest.values()),
        "team": Counter(t.sender.split("@")[1] for t in latest.values()),
        "level": Counter(t.level if t.decision_hours is not None else "awaiting decision"
                         for t in latest.values()),
        "decided": len(hours), "median": statistics.median(hours),
        "p90": ordered[math.ceil(len(ordered) * 9 / 10) - 1],
        "overdue": overdue,
        "nrm": sum(1 for _, t in window if t.decision_hours is not None and t.nrm == "yes"),
        "tier1": sum(1 for _, t in window if t.tier1), "months": months, "tools_by_month": tools_by_month,
    }


def _uow_factory(url: str):
    engine = make_engine(url)
    migrate(engine)
    sealer = AesGcmSealer(parse_keys([new_key()]))
    return engine, partial(SqlUnitOfWork, make_session_factory(engine), sealer=sealer)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        engine, factory = _uow_factory(f"sqlite:///{tmp_path / 'report.db'}")
        yield factory
        engine.dispose()
        return
    with throwaway_database() as url:
        engine, factory = _uow_factory(url)
        yield factory
        engine.dispose()


def _suppressed(count: int) -> str:
    return "<5" if 1 <= count <= 4 else str(count)


def test_report_and_csv_match_the_seeded_figures(database) -> None:
    tools = _tools()
    seed(database, tools)
    want = expected(tools)
    assert want["new"] and want["review"] and want["overdue"]  # the data exercises every figure
    with database() as uow:
        report = build_report(uow, START, END, TODAY)
    assert (report.tools_received, report.children, report.new_children, report.review_children) == (
        want["tools"], want["children"], want["new"], want["review"])
    assert {k: v for k, v in report.by_sex.items() if v} == dict(want["sex"])
    assert {k: v for k, v in report.by_age_band.items() if v} == dict(want["age"])
    assert report.by_team == dict(want["team"])
    assert {k: v for k, v in report.by_level.items() if v} == dict(want["level"])
    assert report.decided_tools == want["decided"]
    assert report.median_days == pytest.approx(want["median"], abs=1e-6)
    assert report.p90_days == pytest.approx(want["p90"], abs=1e-6)
    assert (report.reviews_overdue, report.nrm_referrals, report.tier1) == (
        want["overdue"], want["nrm"], want["tier1"])
    assert {m.month: m.by_code for m in report.months} == {k: dict(v) for k, v in want["months"].items()}

    text = export_report(database, START, END, TODAY, "test.analyst", "csv")
    exported = {(m, g): v for m, g, v in list(csv.reader(io.StringIO(text)))[1:]}
    assert exported[("tools_received", "all")] == _suppressed(want["tools"])
    assert exported[("children_identified", "new")] == _suppressed(want["new"])
    for sex, count in want["sex"].items():
        assert exported[("children_by_sex", sex)] == _suppressed(count)
    for band, count in want["age"].items():
        assert exported[("children_by_age_band", band)] == _suppressed(count)
    for team, count in want["team"].items():
        assert exported[("children_by_area_team", team)] == _suppressed(count)
    assert exported[("reviews_overdue_now", "all")] == _suppressed(want["overdue"])
    assert exported[("days_receipt_to_decision", "median")] == f"{want['median']:.1f}"
    for month, codes in want["months"].items():
        for code, count in codes.items():
            assert exported[("findings_by_month", f"{month} {code}")] == _suppressed(count)
    small = [v for (m, _), v in exported.items() if m.startswith(("children", "tools", "findings_by"))]
    assert "<5" in small and not any(v in {"1", "2", "3", "4"} for v in small)
    with database() as uow:
        lines = uow.audit.list(actor="test.analyst")
        assert [(line.action, line.subject_type, line.subject_id) for line in lines] == [
            ("exported", "report", f"{START}..{END}")]


def test_reports_page_and_download_for_coordinators_and_admins(tmp_path) -> None:
    from fastapi.testclient import TestClient

    from mast_intake.bootstrap import bootstrap
    from mast_intake.web import create_app
    from tests.fakes import FakeClock
    from tests.unit.web.conftest import Console, add_user, make_settings

    clock = FakeClock(datetime.combine(TODAY, datetime.min.time(), UTC).replace(hour=9))
    app = bootstrap(make_settings(tmp_path), clock=clock)
    tools = _tools()
    seed(app.uow, tools)
    want = expected(tools)
    for name, role in (("cora.coordinator", "coordinator"), ("ada.admin", "admin"), ("mo.member", "member")):
        add_user(app, name, role)
    with TestClient(create_app(app), base_url="http://127.0.0.1:8000", follow_redirects=False) as client:
        console = Console(app, clock, client)
        console.login("mo.member")
        assert client.get(f"/reports?start={START}&end={END}").status_code == 403
        assert client.get(f"/reports.csv?start={START}&end={END}").status_code == 403
        console.login("cora.coordinator")
        page = client.get(f"/reports?start={START}&end={END}").text

        def table(table_id: str) -> dict[str, str]:
            body = page[page.index(f'id="{table_id}"'):]
            body = body[:body.index("</table>")]
            return dict(re.findall(r'<th scope="row"[^>]*>([^<]+)</th><td[^>]*>([^<]+)</td>', body))

        summary = table("summary")
        assert summary["Tools received"] == str(want["tools"])
        assert summary["New children"] == str(want["new"]) and summary["Reviews"] == str(want["review"])
        assert summary["Reviews overdue now"] == str(want["overdue"])
        assert summary["NRM referrals"] == str(want["nrm"]) and summary["Tier 1"] == str(want["tier1"])
        assert summary["Days from receipt to decision (median)"] == f"{want['median']:.1f}"
        assert {k: int(v) for k, v in table("by-sex").items() if v != "0"} == dict(want["sex"])
        assert {k: int(v) for k, v in table("by-team").items()} == dict(want["team"])
        assert {k: int(v) for k, v in table("by-level").items() if v != "0"} == dict(want["level"])
        assert page.count('role="img"') == 5 and page.count("<caption") >= 6
        console.login("ada.admin")
        download = client.get(f"/reports.csv?start={START}&end={END}")
        assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
        rows = {(m, g): v for m, g, v in list(csv.reader(io.StringIO(download.text)))[1:]}
        assert rows[("tools_received", "all")] == _suppressed(want["tools"])
    assert [line.action for line in console.audit(actor="ada.admin", subject_type="report")] == ["exported"]
    app.close()


def test_report_command_prints_text_or_csv_and_audits(tmp_path, monkeypatch) -> None:
    from mast_intake.bootstrap import bootstrap
    from mast_intake.cli import main
    from mast_intake.config.settings import Settings

    monkeypatch.setenv("MAST_INTAKE_DATA_DIR", str(tmp_path / "var"))
    app = bootstrap(Settings(data_dir=tmp_path / "var"))
    tools = _tools()
    seed(app.uow, tools)
    want = expected(tools)
    runner = CliRunner()
    result = runner.invoke(main, ["report", "--from", str(START), "--to", str(END), "--csv", "--by", "pat"])
    assert result.exit_code == 0, result.output
    assert f"tools_received,all,{want['tools']}" in result.output
    text = runner.invoke(main, ["report", "--from", str(START), "--to", str(END)])
    assert text.exit_code == 0 and "Tools received" in text.output
    with app.uow() as uow:
        assert len(uow.audit.list(action="exported")) == 2
    app.close()
