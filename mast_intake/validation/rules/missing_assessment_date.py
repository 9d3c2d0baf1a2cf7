"""MISSING_ASSESSMENT_DATE: the tool has no date of assessment."""

from __future__ import annotations

from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import Anchor, Rule


class MissingAssessmentDate(Rule):
    """The date of the assessment is missing.

    Most items score only what is present on the date of assessment or within the month before
    it, and the review date is counted from it. Without a date MAST cannot tell which scores
    are current. Please give the date the tool was completed (and a version, when updating).

    **Anti-pattern**

        Date/Version: (blank)

    **Good practice**

        Date/Version: 14/05/2026, version 2 (update of the tool from 20/03/2026)
    """

    code = "MISSING_ASSESSMENT_DATE"
    position = 120
    severity = Severity.MUST_FIX
    guide = "Score 1 if present on date of assessment or within a month of the last assessment"
    scope = "whole tool"
    anchor = Anchor("Date of the tool", ("date_version",))
    prompts = frozenset()
    short_fix = "Add the date you completed the tool."

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        if record.assessment_date is not None:
            return []
        return [self.finding(
            None,
            "The tool has no assessment date that can be read. Please add the date it was completed "
            "(for example 14/05/2026) in the Date/Version box.",
            record.date_version.strip(),
        )]
