"""Adding a check is one rule module plus its TOML cases: the rule carries everything about itself.

A rule declares in its own class body its documentation, where its review comment goes
(``anchor``), the agenda prompts it raises (``prompts``, possibly none) and its "how to fix"
texts; the reply, the review copy and the agenda read them through the catalogue. So no other
module in ``mast_intake/`` may name a rule's code: a table keyed by codes elsewhere is a second
place to edit.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import tomllib
from pathlib import Path

import pytest

import mast_intake
from mast_intake.models.form import DETAILS
from mast_intake.validation import rules as rule_modules
from mast_intake.validation.catalogue import RULES, RULES_BY_CODE
from mast_intake.validation.rule import Anchor, Prompt, Rule

PACKAGE = Path(mast_intake.__file__).parent
RULES_DIR = PACKAGE / "validation" / "rules"
CASES = Path(__file__).parent / "cases"
README = PACKAGE.parent / "README.md"
START, END = "<!-- rules:start -->", "<!-- rules:end -->"
# The boxes the review copy can comment on besides the items and the summary.
FORM_BOXES = {*DETAILS, "date_version", "stated_total", "stated_category"}
DECLARED = ("code", "position", "severity", "guide", "anchor", "prompts", "short_fix")


def _module_names() -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules(rule_modules.__path__))


def test_every_rule_module_holds_one_rule_named_by_its_code() -> None:
    registered = {type(rule) for rule in RULES}
    for name in _module_names():
        module = importlib.import_module(f"{rule_modules.__name__}.{name}")
        defined = [value for value in vars(module).values()
                   if isinstance(value, type) and issubclass(value, Rule) and value is not Rule
                   and value.__module__ == module.__name__]
        assert len(defined) == 1, f"{name}: one rule per module, found {len(defined)}"
        assert defined[0] in registered, f"{name}: the catalogue did not find it"
        assert defined[0].code.lower() == name, f"{name}: the module is named by its rule's code"
    assert len(RULES) == len(_module_names()) == len(RULES_BY_CODE)


def test_nothing_lists_the_rules_but_their_modules() -> None:
    """The catalogue finds the rules itself: no list of rule classes to keep in step."""
    catalogue = (PACKAGE / "validation" / "catalogue.py").read_text(encoding="utf-8")
    assert "validation.rules." not in catalogue, "import no rule module by name: they are found"
    positions = [rule.position for rule in RULES]
    assert len(set(positions)) == len(positions), "two rules declare the same position"
    assert positions == sorted(positions)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_declares_everything_about_itself(rule: Rule) -> None:
    own = vars(type(rule))
    assert [name for name in DECLARED if name not in own] == [], "declare these in the rule's class"
    assert rule.summary() and "**Anti-pattern**" in rule.explanation()
    assert "**Good practice**" in rule.explanation() and rule.good_example()
    assert isinstance(rule.anchor, Anchor)
    assert set(rule.anchor.boxes) <= FORM_BOXES, rule.anchor.boxes
    # A finding about the whole tool names no item: the reply shows the part of the form instead.
    assert bool(rule.anchor.place) == (rule.scope == "whole tool"), rule.anchor
    assert isinstance(rule.prompts, frozenset) and all(isinstance(p, Prompt) for p in rule.prompts)
    assert isinstance(rule.short_fix, str) and rule.short_fix.strip().endswith(".")
    assert rule.full_fix() or rule.informs_only, "a how-to-fix text, or declare informs_only"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_has_cases_with_findings_and_traps(rule: Rule) -> None:
    path = CASES / f"{rule.code}.toml"
    assert path.exists(), f"write {path.relative_to(PACKAGE.parent)}"
    cases = tomllib.loads(path.read_text())["case"]
    assert [case for case in cases if case.get("expect")], "no case where the rule finds something"
    assert [case for case in cases if not case.get("expect") and case.get("trap")], "no trap"


def test_every_rule_is_in_the_readme_rules_table() -> None:
    text = README.read_text()
    table = text[text.index(START): text.index(END)]
    for rule in RULES:
        assert f"| `{rule.code}` |" in table, rule.code


def test_every_prompt_is_raised_by_some_rule() -> None:
    assert {prompt for rule in RULES for prompt in rule.prompts} == set(Prompt)


def _strings(path: Path) -> set[str]:
    return {node.value for node in ast.walk(ast.parse(path.read_text(), str(path)))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def test_no_module_but_its_rule_names_a_rule_code() -> None:
    own = {RULES_DIR / f"{code.lower()}.py": code for code in RULES_BY_CODE}
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        named = _strings(path) & (RULES_BY_CODE.keys() - {own.get(path)})
        found += [f"{path.relative_to(PACKAGE.parent)}: {code}" for code in sorted(named)]
    assert found == [], "read the rule through the catalogue instead of keying on its code"
