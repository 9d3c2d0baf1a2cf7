"""The shared sample tools raise exactly the flags expected.json lists, among the first ten codes.

Advice (REVIEW_DUE, LEAVING_CARE...) may appear on top; no other flag with a code of the first
ten checks may. Reads the files with ``mast_intake.parsers.parse_file``.
"""

from __future__ import annotations

import json

import pytest

from mast_intake.config.settings import ParseLimits
from mast_intake.models.assessment import Assessment
from mast_intake.parsers import parse_file
from mast_intake.validation import RULES, run_checks
from tests.shared_paths import SAMPLES, require

WATCHED = {rule.code for rule in RULES[:10]}
EXPECTED = json.loads((SAMPLES / "expected.json").read_text()) if (SAMPLES / "expected.json").exists() else {}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_flags(name: str) -> None:
    record = parse_file(SAMPLES / name, ParseLimits())
    assert isinstance(record, Assessment)
    findings = run_checks(record)
    got = {f"{f.code}:{f.item or ''}" for f in findings if f.code in WATCHED}
    assert got == set(EXPECTED[name]["flags"])


def test_the_samples_are_there() -> None:
    require(SAMPLES / "expected.json")
    assert EXPECTED


def test_first_ten_are_the_issue_codes() -> None:
    issue_codes = {
        "INITIALS_ONLY", "REPEATED_POINT", "HISTORICAL_SCORED", "SCORE_WITHOUT_RATIONALE",
        "MISSING_SUMMARY", "MISSING_PROTECTIVE_FACTORS", "SCORE_MISMATCH", "CATEGORY_MISMATCH",
        "JUDGEMENTAL_LANGUAGE", "OVER_18",
    }
    assert issue_codes == WATCHED
