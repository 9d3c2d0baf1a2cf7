"""SCORE_MISMATCH: the stated total is not the sum of the scored items."""

from __future__ import annotations

from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import Anchor, Rule


class ScoreMismatch(Rule):
    """The total written on the tool differs from the total of the item scores.

    The risk assessment score is the number of items scored, one point at most per item. When
    the written total differs, the risk category may be wrong too. Please add up the items
    again; if an item has two statements scored, it still counts once.

    **Anti-pattern**

        Eleven items scored 1, and "Risk Assessment score: 13".

    **Good practice**

        Eleven items scored 1, and "Risk Assessment score: 11".
    """

    code = "SCORE_MISMATCH"
    position = 70
    severity = Severity.MUST_FIX
    guide = "Total up the score to say which risk level it is."
    scope = "whole tool"
    anchor = Anchor("Risk assessment score", ("stated_total", "stated_category"))
    prompts = frozenset()
    short_fix = "Correct the total. The items we counted are listed under Score."

    def short_fix_for(self, record: Assessment, review_sentence: str) -> str:
        """The two totals, so the worker sees what to correct."""
        return (
            f"You gave a total of {record.stated_total}. We counted {record.computed_total}. "
            "Please correct the total: the items we counted are under Score."
        )

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        if record.stated_total is None or record.stated_total == record.computed_total:
            return []
        return [self.finding(
            None,
            f"The tool gives a total of {record.stated_total}, but the scored items add up to "
            f"{record.computed_total} (one point at most per item). Please check the scores and "
            "the total.",
            record.stated_total_text.strip() or str(record.stated_total),
        )]
