"""The shared sample tools raise exactly the flags expected.json lists, among the first ten codes.

Advice (REVIEW_DUE, LEAVING_CARE...) may appear on top; no other flag with a code of the first
ten checks may. Reads the files with ``mast_intake.parsers.parse_file``. The realistic samples
(other authors' phrasing and layouts) are read with the default settings, as `check` reads
them, and their child, dates and every item score must match too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mast_intake.config.settings import ParseLimits, Settings
from mast_intake.models.assessment import Assessment
from mast_intake.parsers import parse_file
from mast_intake.validation import RULES, CheckOptions, run_checks
from tests.shared_paths import SAMPLES, require

WATCHED = {rule.code for rule in RULES[:10]}
REALISTIC = SAMPLES / "realistic"


def _expected(folder: Path) -> dict:
    path = folder / "expected.json"
    return json.loads(path.read_text()) if path.exists() else {}


EXPECTED = _expected(SAMPLES)
EXPECTED_REALISTIC = _expected(REALISTIC)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_flags(name: str) -> None:
    record = parse_file(SAMPLES / name, ParseLimits())
    assert isinstance(record, Assessment)
    findings = run_checks(record)
    got = {f"{f.code}:{f.item or ''}" for f in findings if f.code in WATCHED}
    assert got == set(EXPECTED[name]["flags"])


@pytest.mark.parametrize("name", sorted(EXPECTED_REALISTIC))
def test_realistic_sample_reads_exactly(name: str) -> None:
    expected = EXPECTED_REALISTIC[name]
    record = parse_file(REALISTIC / name, ParseLimits())
    assert isinstance(record, Assessment)
    findings = run_checks(record, CheckOptions.from_settings(Settings()))
    assert {f"{f.code}:{f.item or ''}" for f in findings if f.code in WATCHED} == set(expected["flags"])
    assert record.child.name == expected["child_name"]
    assert _iso(record.child.dob) == expected["dob"]
    assert _iso(record.assessment_date) == expected["assessment_date"]
    assert {key: item.score for key, item in record.items.items()} == expected["scores"]
    assert record.stated_total == expected["stated_total"]
    assert record.computed_total == expected["computed_total"]


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def test_the_samples_are_there() -> None:
    require(SAMPLES / "expected.json")
    require(REALISTIC / "expected.json")
    assert EXPECTED and EXPECTED_REALISTIC


def test_first_ten_are_the_issue_codes() -> None:
    issue_codes = {
        "INITIALS_ONLY", "REPEATED_POINT", "HISTORICAL_SCORED", "SCORE_WITHOUT_RATIONALE",
        "MISSING_SUMMARY", "MISSING_PROTECTIVE_FACTORS", "SCORE_MISMATCH", "CATEGORY_MISMATCH",
        "JUDGEMENTAL_LANGUAGE", "OVER_18",
    }
    assert issue_codes == WATCHED
