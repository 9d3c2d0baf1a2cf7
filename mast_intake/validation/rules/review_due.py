"""REVIEW_DUE: when the tool should next be reviewed, from its risk band."""

from __future__ import annotations

from datetime import date, timedelta

from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.models.form import Category
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import Rule
from mast_intake.validation.rules.category_mismatch import explains_category


def review_due(record: Assessment, options: CheckOptions) -> tuple[Category, int, date] | None:
    """(category, weeks, due date) of the tool's next review; None without an assessment date."""
    if record.assessment_date is None:
        return None
    category = record.computed_category
    if record.stated_category and (record.stated_category == category or explains_category(record)):
        category = record.stated_category
    weeks = options.review_weeks(category)
    return category, weeks, record.assessment_date + timedelta(weeks=weeks)


class ReviewDue(Rule):
    """The date by which the tool should be reviewed, from the risk category.

    Risk is fluid, so the tool is reviewed with the case plan at least every 6 weeks for high
    risk, every 8 weeks for medium and every 12 weeks for low (the intervals are set by the
    service). Any change in risk, incident of concern or missing episode should lead to an
    earlier review. The review date follows the risk level you gave if it matches the score
    or you explained it, otherwise the level of the score.

    **Anti-pattern**

        A high risk tool last completed three months ago.

    **Good practice**

        A high risk tool reviewed at the core group six weeks after the last one, with red-font
        dated updates and an updated summary.
    """

    code = "REVIEW_DUE"
    severity = Severity.ADVICE
    guide = (
        "The risk guidance tool is to be completed in line with case planning and at a minimum of "
        "every 12 weeks for low risk, every 8 weeks for medium and every 6 weeks for high risk."
    )
    scope = "whole tool"

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        review = review_due(record, options)
        if review is None:
            return []
        category, weeks, due = review
        return [self.finding(
            None,
            f"At {category} risk, please review this tool by {due:%d/%m/%Y} ({weeks} weeks after "
            f"the assessment date), or sooner if anything changes.",
            record.date_version.strip(),
        )]
