"""MISSING_CHILD_DETAILS: the child's name or date of birth is not given."""

from __future__ import annotations

from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import Anchor, Rule


class MissingChildDetails(Rule):
    """The child's name or date of birth is missing.

    MAST, the police and health colleagues find the child on their systems by name and date of
    birth, and the age decides which guidance applies. Please give the child's full name (and
    any alias or name they are known by) and their date of birth.

    **Anti-pattern**

        Child/Young Person's Name: (blank)    Age / DOB: 15

    **Good practice**

        Child/Young Person's Name: Amy Walsh (known as "Ames")    Age / DOB: 15 / 03/02/2011
    """

    code = "MISSING_CHILD_DETAILS"
    position = 110
    severity = Severity.MUST_FIX
    guide = "Provide as much info as possible. We don't know what you know."
    scope = "whole tool"
    anchor = Anchor("Child's details", ("name", "age_dob"))
    prompts = frozenset()
    short_fix = "Add the child's full name and date of birth."

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        missing = [what for what, given in (("name", record.child.name), ("date of birth", record.child.dob))
                   if not given]
        if not missing:
            return []
        return [self.finding(
            None,
            f"The child's {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not given. "
            "Please add them so that every agency can find the right child.",
            record.child.fields.get("age_dob", "").strip() if record.child.name else "",
        )]
