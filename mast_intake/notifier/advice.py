"""What to do about each kind of finding: the one-line form for emails, the full form for comments.

The one home of the rule "how to fix" texts. Emails carry the short form (``short_fix``: one
plain sentence a worker can act on); the review copy's Word comments carry the full form
(``full_fix``: the rule's explanation and good practice example) with the guide's words.
"""

from __future__ import annotations

from mast_intake.validation.catalogue import RULES_BY_CODE

SHORT_FIXES: dict[str, str] = {
    "INITIALS_ONLY": "Write the person's full name, not initials.",
    "REPEATED_POINT": "Score this concern once only.",
    "HISTORICAL_SCORED": "This is more than a month old. Keep it in the box but do not score it.",
    "SCORE_WITHOUT_RATIONALE": "Say why you scored it and where you heard it.",
    "MISSING_SUMMARY": "In the summary, say why you think the child is at risk.",
    "MISSING_PROTECTIVE_FACTORS": "Add what keeps the child safe: their strengths and who helps them.",
    "SCORE_MISMATCH": "Correct the total. The items we counted are listed under Score.",
    "CATEGORY_MISMATCH": "Change the risk level to match the score, or say in the summary why not.",
    "JUDGEMENTAL_LANGUAGE": "Say what happened in plain, neutral words.",
    "OVER_18": "The young person is 18 or over. Plan their move to adult services.",
    "MISSING_CHILD_DETAILS": "Add the child's full name and date of birth.",
    "MISSING_ASSESSMENT_DATE": "Add the date you completed the tool.",
    "UNNAMED_PERSON": "Give this person's name and what you know about them.",
    "LEAVING_CARE": "Ask for a leaving care worker now, not at 17 and a half.",
    "NRM_CONSIDER": "Think about a referral to the NRM, as the child may have been moved to be abused.",
    "REVIEW_DUE": "Send an updated tool by the review date.",
    "COPIED_FROM_OTHER_CHILD": "Take out the words from another child's tool. Write about this child only.",
    "STALE_SCORE_CARRIED": "Add the date you last saw this, or score it 0 if it has stopped.",
    "SUMMARY_NOT_UPDATED": "Update the summary, even just to say the risk is the same.",
    "UPDATE_WITHOUT_DATE": "Put the date at the start of this update.",
}


WHOLE_TOOL_PLACES: dict[str, str] = {
    "SCORE_MISMATCH": "Risk assessment score",
    "CATEGORY_MISMATCH": "Risk category",
    "MISSING_CHILD_DETAILS": "Child's details",
    "MISSING_ASSESSMENT_DATE": "Date of the tool",
    "MISSING_SUMMARY": "Summary",
    "MISSING_PROTECTIVE_FACTORS": "Protective factors",
    "OVER_18": "Age",
    "LEAVING_CARE": "Age",
    "NRM_CONSIDER": "Moved or trafficked",
    "REVIEW_DUE": "Review date",
    "SUMMARY_NOT_UPDATED": "Summary",
}
"""Where on the form a finding about the whole tool is, named as the worker would look for it."""


def place_label(code: str) -> str | None:
    """The part of the form a whole-tool finding of this code is about, or None when there is none."""
    return WHOLE_TOOL_PLACES.get(code)


def short_fix(code: str) -> str:
    """One plain sentence saying what to do about a finding of this code ("" when unknown)."""
    if code in SHORT_FIXES:
        return SHORT_FIXES[code]
    rule = RULES_BY_CODE.get(code)
    return rule.summary() if rule else ""


NOTHING_TO_FIX = frozenset({"REVIEW_DUE"})
"""Codes that only inform (a date): they get no "how to put it right"."""


def full_fix(code: str) -> str:
    """The rule's explanation and its good practice example, as one paragraph ("" when none)."""
    rule = RULES_BY_CODE.get(code)
    if rule is None or code in NOTHING_TO_FIX:
        return ""
    how = rule.how_to_fix()
    example = rule.good_example()
    return f"{how} For example: {example}" if example else how


def guide_words(code: str) -> str:
    """The good practice guide's sentence the rule rests on ("" when unknown)."""
    rule = RULES_BY_CODE.get(code)
    return rule.guide if rule else ""


def rule_summary(code: str) -> str:
    """The rule's one-line summary ("" when unknown)."""
    rule = RULES_BY_CODE.get(code)
    return rule.summary() if rule else ""
