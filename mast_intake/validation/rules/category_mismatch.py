"""CATEGORY_MISMATCH: the stated category is not the band of the score, with no reason given."""

from __future__ import annotations

import re

from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.models.form import BANDS
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import Anchor, Rule

# The worker explains a category that differs from the score's band.
_EXPLAINED = re.compile(
    r"professional judge?ment|(?:higher|lower|more|less) than (?:the|this|my|a) (?:score|total|tool)"
    r"|score (?:suggests|indicates|shows|would suggest|does not reflect|doesn't reflect|under\w*|over\w*)"
    r"|(?:despite|although|though|while|whilst|even though) the (?:score|total)"
    r"|(?:raised|increased|lowered|reduced|moved|upgraded|downgraded|escalated) (?:the )?(?:risk )?"
    r"(?:level |category )?to (?:high|medium|low)"
    r"|(?:I|we) (?:believe|think|consider|feel|assess|judge) (?:that )?(?:the )?risk (?:is|to be) "
    r"(?:higher|lower|high|medium|low)",
    re.IGNORECASE,
)


def _band(category: str) -> str:
    band = next(b for b in BANDS if b.category == category)
    return f"{band.min}+" if band.max is None else f"{band.min}-{band.max}"


def explains_category(record: Assessment) -> bool:
    """True when the worker says why the category differs from the score's band."""
    return bool(_EXPLAINED.search(f"{record.summary}\n{record.stated_category_text}"))


class CategoryMismatch(Rule):
    """The risk category differs from the band of the score, and no reason is given.

    The score is a guide only and your professional judgement is key, so a category above or
    below the score's band can be right. When it differs, please explain why in the summary,
    so that MAST can weigh your judgement. Otherwise, please give the category of the score's
    band: low 0-10, medium 11-19, high 20 or more.

    **Anti-pattern**

        Risk Assessment score: 9. Risk category: high. (no explanation)

    **Good practice**

        Risk Assessment score: 9. Risk category: high. Summary: In my professional judgement
        the risk is higher than the score suggests because Amy was found in a car with an
        adult who is subject to a sexual harm prevention order.
    """

    code = "CATEGORY_MISMATCH"
    position = 80
    severity = Severity.MUST_FIX
    guide = "If you feel the risk is higher or lower than the score suggests then explain why."
    scope = "whole tool"
    anchor = Anchor("Risk category", ("stated_category", "stated_total"))
    prompts = frozenset()
    short_fix = "Change the risk level to match the score, or say in the summary why not."

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        stated, computed = record.stated_category, record.computed_category
        if stated is None or stated == computed or explains_category(record):
            return []
        return [self.finding(
            None,
            f"The tool gives the category as {stated}, but a score of {record.computed_total} is "
            f"{computed} risk ({_band(computed)}). If your professional judgement is that the risk "
            f"is {stated}, please explain why in the summary; otherwise please change the category.",
            record.stated_category_text.strip() or stated,
        )]
