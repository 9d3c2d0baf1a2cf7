"""LEAVING_CARE: a young person of 17 and a half or over at risk: allocate a leaving-care worker."""

from __future__ import annotations

from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.age import age_in_months
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import Anchor, Prompt, Rule

FROM_MONTHS = 17 * 12 + 6
ADULT_MONTHS = 18 * 12


class LeavingCare(Rule):
    """The young person is 17 and a half or older and at risk: a leaving-care worker is needed early.

    A Leaving Care Case Worker is usually allocated at 17 years and six months. For a young
    person identified as at risk with the tool, the worker should be in place earlier, so that
    they can build a trusting relationship before the move to adulthood and join the reviews
    and the plan.

    **Anti-pattern**

        A young person aged 17 years 9 months at medium risk, with no leaving-care worker
        mentioned in the plan.

    **Good practice**

        Summary: ... A Leaving Care Case Worker has been allocated and will attend the next
        review; the transition plan addresses the risks from older males.
    """

    code = "LEAVING_CARE"
    position = 140
    severity = Severity.ADVICE
    guide = (
        "A leaving Care Case Worker (LCCW) is usually allocated to a young person when they have "
        "reached 17 years and six months, however, where a child has been identified as at risk "
        "using the guidance tool, a LCCW should be in place earlier in order they can establish a "
        "positive and trusting relationship with the young person before they make the transition "
        "to adulthood."
    )
    scope = "whole tool"
    anchor = Anchor("Age", ("age_dob", "name"))
    prompts = frozenset({Prompt.LEAVING_CARE})
    short_fix = "Ask for a leaving care worker now, not at 17 and a half."

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        months = age_in_months(record)
        if months is None or not FROM_MONTHS <= months < ADULT_MONTHS or record.computed_total == 0:
            return []
        return [self.finding(
            None,
            f"The young person is {months // 12} years {months % 12} months old and at risk. If they "
            "are or will be a care leaver, please make sure a Leaving Care Case Worker is allocated "
            "now, so they can build a relationship before the young person turns 18.",
            record.child.fields.get("age_dob", "").strip(),
        )]
