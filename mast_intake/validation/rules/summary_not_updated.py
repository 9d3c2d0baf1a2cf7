"""SUMMARY_NOT_UPDATED: the summary is the previous tool's summary again."""

from __future__ import annotations

from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.history import shingles, words
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import Anchor, Rule
from mast_intake.validation.text import excerpt

TRIGRAM = 3
# A changed word or date makes up to three new three-word runs; a new sentence makes more.
MAX_NEW_RUNS = 3
MIN_SHARED = 0.85
MIN_WORDS = 3


def near_copy(new: str, old: str) -> bool:
    """True when ``new`` repeats ``old`` with at most a word or date changed."""
    new_words, old_words = words(new), words(old)
    if len(new_words) < MIN_WORDS or not old_words:
        return False
    if new_words == old_words:
        return True
    new_runs, old_runs = set(shingles(new_words, TRIGRAM)), set(shingles(old_words, TRIGRAM))
    if not new_runs:
        return False
    fresh = new_runs - old_runs
    return len(fresh) <= MAX_NEW_RUNS and 1 - len(fresh) / len(new_runs) >= MIN_SHARED


class SummaryNotUpdated(Rule):
    """The summary is the same as the summary of the child's previous tool.

    Each tool is a new view of the risk. Please say what has changed since the last tool and
    what you think now; if nothing has changed, say so in the summary, with the date, so MAST
    knows the summary was looked at again.

    **Anti-pattern** (the summary of the tool from three months ago, unchanged)

        Additional professional comments: I am worried that Amy is being groomed by older males
        she meets in the town centre.

    **Good practice**

        Additional professional comments: Reviewed 14/10/2026: the risk has remained the same.
        Amy still meets older males in the town centre, but she now talks to her mentor about it.
    """

    code = "SUMMARY_NOT_UPDATED"
    position = 190
    severity = Severity.SHOULD_FIX
    guide = "Always update the summary even if it is only to say that the risk has remained the same."
    scope = "whole tool"
    anchor = Anchor("Summary")
    prompts = frozenset()
    short_fix = "Update the summary, even just to say the risk is the same."

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        history = options.history
        previous = history.latest_before(record.assessment_date) if history else None
        if previous is None or not near_copy(record.summary, previous.record.summary):
            return []
        day = previous.assessment_date
        return [self.finding(
            None,
            f"The summary is the same as the summary of the previous tool ({day:%d/%m/%Y}). Please "
            "update it with your current view, even if only to say the risk has stayed the same.",
            excerpt(record.summary),
        )]
