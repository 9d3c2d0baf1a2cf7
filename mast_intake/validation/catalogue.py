"""The checks, found in ``validation/rules/`` in the order they declare, and the catalogue as text."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping

from mast_intake.validation import rules as rule_modules
from mast_intake.validation.figures import Evaluation, Tally
from mast_intake.validation.rule import Rule


def _discover() -> tuple[Rule, ...]:
    """One instance of each rule defined in ``validation/rules/``, in ``position`` order."""
    found: list[Rule] = []
    for info in pkgutil.iter_modules(rule_modules.__path__):
        module = importlib.import_module(f"{rule_modules.__name__}.{info.name}")
        found += [value() for value in vars(module).values()
                  if isinstance(value, type) and issubclass(value, Rule) and value is not Rule
                  and value.__module__ == module.__name__]
    return tuple(sorted(found, key=lambda rule: rule.position))


# Adding a check is adding a module to validation/rules/ (and its TOML cases): no list to edit.
RULES: tuple[Rule, ...] = _discover()


RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def catalogue_text() -> str:
    """Every check, readably: code, severity, scope, summary, the guide's sentence, explanation."""
    blocks = []
    for rule in RULES:
        body = "\n".join(f"    {line}".rstrip() for line in rule.explanation().splitlines())
        blocks.append(
            f"{rule.code} ({rule.severity}, {rule.scope})\n"
            f"  {rule.summary()}\n"
            f"  The guide: \u201c{rule.guide}\u201d\n\n{body}\n"
        )
    return "\n".join(blocks)


def catalogue_markdown(tallies: Mapping[str, Tally] | None = None) -> str:
    """The README's rule table; with ``tallies``, precision and recall on the corpus too."""
    header = ["Code", "Severity", "About", "What it finds", "The guide says"]
    if tallies is not None:
        header += ["Precision", "Recall", "Cases (traps)"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for rule in RULES:
        cells = [f"`{rule.code}`", str(rule.severity), rule.scope, rule.summary(), rule.guide]
        if tallies is not None:
            tally = tallies.get(rule.code, Tally())
            cells += [f"{tally.precision:.2f}", f"{tally.recall:.2f}", f"{tally.cases} ({tally.traps})"]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def figures_text(result: Evaluation) -> str:
    """Precision and recall per code over the corpus, then the cases the checks get wrong."""
    lines = [f"{'code':<28} {'precision':>9} {'recall':>6} {'TP':>4} {'FP':>3} {'FN':>3}  cases (traps)"]
    for rule in RULES:
        t = result.tallies.get(rule.code, Tally())
        lines.append(
            f"{rule.code:<28} {t.precision:>9.2f} {t.recall:>6.2f} {t.true_positive:>4} "
            f"{t.false_positive:>3} {t.false_negative:>3}  {t.cases} ({t.traps})"
        )
    for name, got, expected in result.wrong:
        lines.append(f"wrong: {name}: got {got}, expected {expected}")
    return "\n".join(lines) + "\n"
