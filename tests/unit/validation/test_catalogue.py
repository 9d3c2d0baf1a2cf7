"""The catalogue as printed by `mast-intake rules`, and the README's copy of its table."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mast_intake.validation import RULES
from mast_intake.validation.catalogue import catalogue_markdown, catalogue_text

README = Path(__file__).resolve().parents[3] / "README.md"
START, END = "<!-- rules:start -->", "<!-- rules:end -->"


def test_readme_table_matches_the_catalogue() -> None:
    text = README.read_text()
    table = text[text.index(START) + len(START): text.index(END)].strip("\n") + "\n"
    assert table == catalogue_markdown(), "run `mast-intake rules --markdown` and paste it into README.md"


def test_catalogue_lists_every_rule_with_its_guide_sentence() -> None:
    text = catalogue_text()
    for rule in RULES:
        assert rule.code in text and rule.guide in text and rule.summary() in text


def test_rules_command_prints_the_catalogue() -> None:
    cli = pytest.importorskip("mast_intake.cli", exc_type=ImportError)  # until the parsers land
    runner = CliRunner()
    assert runner.invoke(cli.main, ["rules", "--markdown"]).output == catalogue_markdown()
    assert runner.invoke(cli.main, ["rules"]).output == catalogue_text()
