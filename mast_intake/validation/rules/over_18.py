"""OVER_18: the young person is 18 or over, so CSE no longer applies."""

from __future__ import annotations

from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.age import age_in_years
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import Anchor, Prompt, Rule

ADULT_AGE = 18


class Over18(Rule):
    """The young person is 18 or over on the assessment date.

    Child sexual exploitation refers to young people under 18. The risks do not stop at 18, but
    legally the young person is an adult and the CSE tool and case status no longer apply.
    Please plan the transition instead: refer to adult social care if needed, find support or
    outreach services for their vulnerabilities, and consider a MARAC referral when they are in
    a controlling or unhealthy relationship.

    **Anti-pattern**

        A CSE risk tool completed for a young person whose date of birth makes them 18.

    **Good practice**

        A transition plan agreed before the 18th birthday, with a referral to adult social care
        and, where there is a controlling relationship, to MARAC.
    """

    code = "OVER_18"
    position = 100
    severity = Severity.SHOULD_FIX
    guide = (
        "We know that the risks of CSE and the vulnerabilities of exploitation do not necessarily "
        "cease when a child turns 18, however legally they are no longer a child and therefore "
        "the term CSE is not relevant."
    )
    scope = "whole tool"
    anchor = Anchor("Age", ("age_dob", "name"))
    prompts = frozenset({Prompt.OVER_18})
    short_fix = "The young person is 18 or over. Plan their move to adult services."

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        age = age_in_years(record)
        if age is None or age < ADULT_AGE:
            return []
        return [self.finding(
            None,
            f"The young person is {age} on the assessment date, so CSE no longer applies. Please "
            "plan for their transition: consider a referral to adult social care, support or "
            "outreach services, and MARAC if they are in a controlling or unhealthy relationship.",
            record.child.fields.get("age_dob", "").strip(),
        )]
