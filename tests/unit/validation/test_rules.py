"""Every check against its labelled corpus in ``cases/<CODE>.toml``, and the figures it reaches.

Each case describes a fictional record compactly and lists the findings expected as
"CODE:item" ("CODE:" for the whole tool). Only the codes the file is about are compared: the
file's own code, or the file's ``codes`` list (the precision cases watch the first ten). A case
marked ``known`` is one the checks still get wrong, kept so the figures stay honest.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mast_intake.config.settings import Settings
from mast_intake.validation import RULES, CheckOptions
from mast_intake.validation.corpus import evaluate, findings_for, load_cases
from tests.shared_paths import SHARED, require

CASES = Path(__file__).parent / "cases"
CORPUS = list(load_cases(CASES))
OPTIONS = CheckOptions.from_settings(Settings())
MIN_CASES = 30
PRECISION, RECALL = 0.95, 0.90


@pytest.mark.parametrize("case", CORPUS, ids=[case.name for case in CORPUS])
def test_case(case) -> None:
    got = findings_for(case, OPTIONS)
    if "known" in case.data:
        assert got != sorted(case.expect), "fixed: remove the case's `known` mark"
    else:
        assert got == sorted(case.expect)


def test_every_rule_has_a_corpus_of_statements_and_traps() -> None:
    for rule in RULES:
        cases = [case for case in CORPUS if case.file == rule.code]
        traps = [case for case in cases if not case.expect]
        assert len(cases) >= MIN_CASES, f"{rule.code}: {len(cases)} cases"
        assert len(cases) - len(traps) >= MIN_CASES // 3, f"{rule.code} has too few failing cases"
        assert len(traps) >= MIN_CASES // 3, f"{rule.code} has too few traps"
        assert all(case.data.get("trap") for case in traps), f"{rule.code}: a trap without its reason"


def test_every_code_meets_its_targets_on_the_corpus() -> None:
    tallies = evaluate(CASES, OPTIONS).tallies
    for rule in RULES:
        tally = tallies[rule.code]
        assert tally.precision >= PRECISION and tally.recall >= RECALL, (
            rule.code, tally.precision, tally.recall)


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
