"""MISSING_SUMMARY: the summary gives no professional view of the risk."""

from __future__ import annotations

import re

from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import Anchor, Rule
from mast_intake.validation.text import excerpt

_PLACEHOLDER = re.compile(r"click (?:or tap )?here to enter text\.?", re.IGNORECASE)
# Words that give a view about risk: what the worker thinks and why.
_VIEW = re.compile(
    r"\b(?:risk|risks|worr\w*|concern\w*|vulnerab\w*|exploit\w*|harm\w*|safe\w*|danger\w*|groom\w*|"
    r"view|judgement|judgment|believe|think|feel|assess\w*|abuse\w*|missing)\b",
    re.IGNORECASE,
)
MIN_WORDS = 8
ENOUGH_WORDS = 25


class MissingSummary(Rule):
    """The summary does not give a professional view of the risk.

    You know the child, and MAST needs to hear your view: why you think they are or are not
    at risk of CSE, what has changed, and how worried you are. The summary is also the place
    for hearsay and historical detail that is not scored. When updating a tool, please update
    the summary too, even if only to say the risk has stayed the same.

    **Anti-pattern**

        Additional professional comments: See above.

    **Good practice**

        Additional professional comments: I am worried that Amy is being groomed by older
        males she meets in the town centre; the missing episodes have become more frequent
        since March and she is now being given alcohol and cigarettes.
    """

    code = "MISSING_SUMMARY"
    position = 50
    severity = Severity.MUST_FIX
    guide = "The summary needs to tell us why you think they are at risk"
    scope = "whole tool"
    anchor = Anchor("Summary")
    prompts = frozenset()
    short_fix = "In the summary, say why you think the child is at risk."

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        text = _PLACEHOLDER.sub(" ", record.summary).strip()
        words = re.findall(r"[A-Za-z']+", text)
        if len(words) >= ENOUGH_WORDS or (len(words) >= MIN_WORDS and _VIEW.search(text)):
            return []
        message = (
            "The summary is empty. " if not words else "The summary does not yet give your view of the risk. "
        ) + ("Please say why you think the child is at risk of CSE (or not), what has changed, "
             "and how worried you are: MAST needs to hear from the worker who knows the child.")
        return [self.finding(None, message, excerpt(text))]
