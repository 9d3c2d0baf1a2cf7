"""REVIEW_DUE: when the tool should next be reviewed, from its risk band."""

from __future__ import annotations

from mast_intake.domain.review import ReviewDue as Due
from mast_intake.domain.review import ReviewIntervals, review_due
from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import Anchor, Rule


def next_review(record: Assessment, options: CheckOptions) -> Due | None:
    """The tool's next review by the one rule in ``domain.review``; None without an assessment date."""
    if record.assessment_date is None:
        return None
    intervals = ReviewIntervals(options.high_weeks, options.medium_weeks, options.low_weeks)
    return review_due(assessed_on=record.assessment_date,
                      stated_band=record.stated_category or record.computed_category, intervals=intervals)


class ReviewDue(Rule):
    """The date by which the tool should be reviewed, from the risk category.

    Risk is fluid, so the tool is reviewed with the case plan at least every 6 weeks for high
    risk, every 8 weeks for medium and every 12 weeks for low (the intervals are set by the
    service). Any change in risk, incident of concern or missing episode should lead to an
    earlier review. The date counts from the assessment date at the risk category you gave
    (the band of the score when none is given): the same rule the agenda and reminders use
    (``mast_intake.domain.review``). A date already past is overdue: send an updated tool.

    **Anti-pattern**

        A high risk tool last completed three months ago.

    **Good practice**

        A high risk tool reviewed at the core group six weeks after the last one, with red-font
        dated updates and an updated summary.
    """

    code = "REVIEW_DUE"
    position = 160
    severity = Severity.ADVICE
    guide = (
        "The risk guidance tool is to be completed in line with case planning and at a minimum of "
        "every 12 weeks for low risk, every 8 weeks for medium and every 6 weeks for high risk."
    )
    scope = "whole tool"
    anchor = Anchor("Review date", ("date_version", "stated_total"))
    prompts = frozenset()
    short_fix = "Send an updated tool by the review date."
    informs_only = True

    def short_fix_for(self, record: Assessment, review_sentence: str) -> str:
        """The reply's review date sentence, which says when (and whether it is overdue)."""
        return review_sentence or self.short_fix

    def comment_message(self, message: str, review_sentence: str) -> str:
        """The reply's review date sentence, so the review copy and the email say the same."""
        return review_sentence or message

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        due = next_review(record, options)
        if due is None:
            return []
        category = due.band
        today = options.today() if options.today else None
        if today is not None and due.overdue_on(today):
            message = (f"At {category} risk this tool was due for review by {due.due:%d/%m/%Y} "
                       f"({due.weeks} weeks after the assessment date): it is overdue since "
                       f"{due.due:%d/%m/%Y}. Please send an updated tool.")
        else:
            message = (f"At {category} risk, please review this tool by {due.due:%d/%m/%Y} ({due.weeks} "
                       "weeks after the assessment date), or sooner if anything changes.")
        return [self.finding(None, message, record.date_version.strip())]
