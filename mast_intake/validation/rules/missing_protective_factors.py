"""MISSING_PROTECTIVE_FACTORS: no strengths or protective factors anywhere in the tool."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from mast_intake.language.nlp import parse, pipeline
from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import Anchor, Rule
from mast_intake.validation.text import all_texts

NEGATION_WINDOW = 6
_NEGATIONS = frozenset(
    {"no", "not", "lack", "lacks", "lacking", "without", "any", "none", "nor", "never", "nothing"}
)
# Protective factors as workers write them, Signs of Safety terms included.
_PATTERNS: dict[str, list[list[dict[str, Any]]]] = {
    "PROTECTIVE": [[{"LOWER": {"IN": ["protective", "protecting"]}}]],
    "STRENGTH": [[{"LOWER": {"IN": ["strength", "strengths", "resilience", "resilient", "positives"]}}]],
    "WORKING_WELL": [
        [{"LOWER": {"IN": ["working", "going"]}}, {"LOWER": "well"}],
        [{"LOWER": "safety"}, {"LOWER": {"IN": ["network", "plan"]}}],
    ],
    "SUPPORT": [
        [{"LOWER": {"IN": ["positive", "good", "trusting", "supportive", "safe", "close"]}},
         {"LOWER": {"IN": ["relationship", "relationships", "adult", "adults", "friendships", "network"]}}],
        [{"LOWER": "trusted"}, {"LOWER": {"IN": ["adult", "adults", "person", "relative"]}}],
        [{"LOWER": {"IN": ["engaging", "engages", "engaged"]}}, {"LOWER": {"IN": ["well", "positively"]}}],
    ],
}


# Words every pattern above contains, in lower case: texts without any are not parsed.
_HINT = re.compile(
    r"protect|strength|resilien|positive|working well|going well|safety|trust|good|supportive|safe"
    r"|close|engag"
)


@cache
def _matcher(model: str) -> Matcher:
    matcher = Matcher(pipeline(model).vocab)
    for label, patterns in _PATTERNS.items():
        matcher.add(label, patterns)
    return matcher


def _negated(doc: Doc, span: Span) -> bool:
    """True for "no protective adult", "lack of positive relationships" and the like."""
    for token in reversed(doc[max(span.sent.start, span.start - NEGATION_WINDOW): span.start]):
        if token.is_punct:
            return False
        if token.lower_ in _NEGATIONS or token.lower_.endswith("n't"):
            return True
    return False


def protective_factors(doc: Doc, matcher: Matcher) -> list[Span]:
    """Mentions of protective factors, strengths or what is working well, not negated ones."""
    return [span for span in matcher(doc, as_spans=True) if not _negated(doc, span)]


class MissingProtectiveFactors(Rule):
    """No protective factors, strengths or resilience are recorded.

    Protective factors give MAST a balanced view of the risk and show what the plan can build
    on. They can go in the summary or beside any item, and can be written as strengths,
    resilience, or in Signs of Safety terms as what is working well: a trusted adult, a
    placement that is holding, school attendance, engagement with a worker.

    **Anti-pattern**

        Additional professional comments: Amy is at risk of being groomed by older males.
        (nothing about what is helping to keep her safe)

    **Good practice**

        Additional professional comments: ... What is working well: Amy has a close
        relationship with her grandmother, who she calls when she feels unsafe, and she is
        attending college three days a week.
    """

    code = "MISSING_PROTECTIVE_FACTORS"
    position = 60
    severity = Severity.SHOULD_FIX
    guide = "Add any protective factors, these are important as they allow for a balanced view of the risk."
    scope = "whole tool"
    anchor = Anchor("Protective factors")
    prompts = frozenset()
    short_fix = "Add what keeps the child safe: their strengths and who helps them."

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        matcher = _matcher(options.spacy_model)
        summary_first = sorted(all_texts(record), key=lambda pair: pair[0] is not None)
        for _, text in summary_first:
            if _HINT.search(text.lower()) and protective_factors(parse(text, options.spacy_model), matcher):
                return []
        return [self.finding(
            None,
            "No protective factors are recorded. Please add what is helping to keep the child "
            "safe (strengths, resilience, what is working well), so MAST can see a balanced view "
            "of the risk.",
        )]
