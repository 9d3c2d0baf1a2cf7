"""Run every check on a record and order the findings for the reply."""

from __future__ import annotations

from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding
from mast_intake.models.form import ITEMS
from mast_intake.validation.catalogue import RULES
from mast_intake.validation.options import CheckOptions

_ITEM_ORDER = {key: index for index, key in enumerate(ITEMS)}
_RULE_ORDER = {rule.code: index for index, rule in enumerate(RULES)}


def _order(finding: Finding) -> tuple[int, int, int]:
    item = -1 if finding.item is None else _ITEM_ORDER[finding.item]
    return finding.severity.rank, item, _RULE_ORDER[finding.code]


def run_checks(record: Assessment, options: CheckOptions | None = None,
               only: frozenset[str] | None = None) -> list[Finding]:
    """All findings for ``record`` (of the rules whose codes are in ``only``, when given), by
    severity, then whole-tool before items in form order."""
    options = options or CheckOptions()
    rules = RULES if only is None else [rule for rule in RULES if rule.code in only]
    findings = [finding for rule in rules for finding in rule.check(record, options)]
    return sorted(findings, key=_order)
