"""Every check against its passing and failing cases in ``cases/<CODE>.toml``.

Each case describes a fictional record compactly and lists the findings expected as
"CODE:item" ("CODE:" for the whole tool). Only the codes the file is about are compared: the
file's own code, or the file's ``codes`` list (the precision cases watch the first ten).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from mast_intake.validation import RULES, run_checks
from tests.shared_paths import SHARED, require
from tests.unit.validation.history_cases import options_from_case
from tests.unit.validation.records import record_from_case

CASES = Path(__file__).parent / "cases"


def _load() -> list[tuple[str, list[str], dict]]:
    loaded = []
    for path in sorted(CASES.glob("*.toml")):
        data = tomllib.loads(path.read_text())
        codes = data.get("codes", [path.stem])
        loaded.extend((f"{path.stem}: {case['name']}", codes, case) for case in data["case"])
    return loaded


@pytest.mark.parametrize(("codes", "case"), [(c, case) for _, c, case in _load()],
                         ids=[name for name, _, _ in _load()])
def test_case(codes: list[str], case: dict) -> None:
    findings = run_checks(record_from_case(case), options_from_case(case))
    got = sorted(f"{f.code}:{f.item or ''}" for f in findings if f.code in codes)
    assert got == sorted(case["expect"])
    for finding in findings:
        assert finding.message


def test_every_rule_has_passing_and_failing_cases() -> None:
    for rule in RULES:
        path = CASES / f"{rule.code}.toml"
        assert path.exists(), f"no case file for {rule.code}"
        cases = tomllib.loads(path.read_text())["case"]
        assert any(c["expect"] for c in cases), f"{rule.code} has no failing case"
        assert any(not c["expect"] for c in cases), f"{rule.code} has no passing case"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_documents_itself(rule) -> None:
    assert rule.code.isupper() and rule.summary() and rule.guide
    assert "**Anti-pattern**" in rule.explanation() and "**Good practice**" in rule.explanation()


def test_codes_are_unique() -> None:
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))


def test_guide_sentences_are_the_guides_own() -> None:
    texts = [p.read_text() for p in require(SHARED / "seeds").glob("*.txt")]
    flat = " ".join(" ".join(texts).split())
    for rule in RULES:
        assert " ".join(rule.guide.split()) in flat, rule.code
