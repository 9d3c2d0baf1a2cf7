"""The catalogue as printed by `mast-intake rules`, and the README's copy of its table."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mast_intake.config.settings import Settings
from mast_intake.validation import RULES, CheckOptions
from mast_intake.validation.catalogue import catalogue_markdown, catalogue_text
from mast_intake.validation.corpus import evaluate

README = Path(__file__).resolve().parents[3] / "README.md"
START, END = "<!-- rules:start -->", "<!-- rules:end -->"
CASES = Path(__file__).parent / "cases"


def test_readme_table_matches_the_catalogue_and_its_figures() -> None:
    text = README.read_text()
    table = text[text.index(START) + len(START): text.index(END)].strip("\n") + "\n"
    figures = evaluate(CASES, CheckOptions.from_settings(Settings())).tallies
    assert table == catalogue_markdown(figures), (
        "run `mast-intake rules --markdown --evaluate` and paste it into README.md")


def test_catalogue_lists_every_rule_with_its_guide_sentence() -> None:
    text = catalogue_text()
    for rule in RULES:
        assert rule.code in text and rule.guide in text and rule.summary() in text


def test_rules_command_prints_the_catalogue() -> None:
    cli = pytest.importorskip("mast_intake.cli", exc_type=ImportError)  # until the parsers land
    runner = CliRunner()
    assert runner.invoke(cli.main, ["rules", "--markdown"]).output == catalogue_markdown()
    assert runner.invoke(cli.main, ["rules"]).output == catalogue_text()


def test_rules_evaluate_prints_precision_and_recall_per_code() -> None:
    from mast_intake.cli import main

    result = CliRunner().invoke(main, ["rules", "--evaluate", "--cases", str(CASES)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["code", "precision", "recall"]
    for rule in RULES:
        row = next(line for line in lines if line.startswith(rule.code + " "))
        precision, recall = (float(v) for v in row.split()[1:3])
        assert 0.0 <= precision <= 1.0 and 0.0 <= recall <= 1.0
