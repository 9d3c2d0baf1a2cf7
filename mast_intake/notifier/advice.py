"""What the reply and the review copy say about a finding, read from its rule in the catalogue.

Every text lives on the rule (``mast_intake.validation.rule.Rule``): emails carry its short form
(``short_fix``: one plain sentence a worker can act on); the review copy's Word comments carry
its full form (``full_fix``: the rule's explanation and good practice example) with the guide's
words. A code no rule has (a finding stored by an older version) gets "" everywhere.
"""

from __future__ import annotations

from mast_intake.models.assessment import Assessment
from mast_intake.validation.catalogue import RULES_BY_CODE


def place_label(code: str) -> str | None:
    """The part of the form a whole-tool finding of this code is about, or None when there is none."""
    rule = RULES_BY_CODE.get(code)
    return (rule.anchor.place or None) if rule else None


def anchor_boxes(code: str) -> tuple[str, ...]:
    """The review copy's boxes for a whole-tool finding of this code, in order (before the summary)."""
    rule = RULES_BY_CODE.get(code)
    return rule.anchor.boxes if rule else ()


def short_fix(code: str) -> str:
    """One plain sentence saying what to do about a finding of this code ("" when unknown)."""
    rule = RULES_BY_CODE.get(code)
    return rule.short_fix if rule else ""


def full_fix(code: str) -> str:
    """The rule's explanation and its good practice example, as one paragraph ("" when none)."""
    rule = RULES_BY_CODE.get(code)
    return rule.full_fix() if rule else ""


def guide_words(code: str) -> str:
    """The good practice guide's sentence the rule rests on ("" when unknown)."""
    rule = RULES_BY_CODE.get(code)
    return rule.guide if rule else ""


def rule_summary(code: str) -> str:
    """The rule's one-line summary ("" when unknown)."""
    rule = RULES_BY_CODE.get(code)
    return rule.summary() if rule else ""


def short_fix_for(code: str, record: Assessment, review_sentence: str) -> str:
    """The short fix as the reply to ``record`` words it (its totals, its review date)."""
    rule = RULES_BY_CODE.get(code)
    return rule.short_fix_for(record, review_sentence) if rule else ""


def comment_message(code: str, message: str, review_sentence: str) -> str:
    """A finding's words in its review copy comment (the reply's review date for the date's rule)."""
    rule = RULES_BY_CODE.get(code)
    return rule.comment_message(message, review_sentence) if rule else message
