"""UNNAMED_PERSON: a boyfriend, older male or friend mentioned with no name or description."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Span

from mast_intake.language.nlp import parse, pipeline
from mast_intake.language.people import is_named_or_described
from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import ITEM_ROW, Rule
from mast_intake.validation.text import all_texts, excerpt

_DETERMINERS = {"IN": ["a", "an", "her", "his", "their", "new", "older", "the"]}
_PATTERNS: list[list[dict[str, Any]]] = [
    [{"LOWER": {"IN": ["boyfriend", "girlfriend", "partner", "bf", "gf"]}}],
    [{"LOWER": {"IN": ["an", "older", "adult"]}, "OP": "+"},
     {"LOWER": {"IN": ["male", "man", "female", "woman", "lad", "guy", "boy", "girl"]}}],
    [{"LOWER": {"IN": ["a", "an"]}}, {"LOWER": {"IN": ["man", "male", "friend"]}}],
    [{"LOWER": _DETERMINERS}, {"LOWER": {"IN": ["older", "new", "adult"]}}, {"LOWER": "friend"}],
]


# Words every pattern above contains, in lower case: texts without any are not parsed.
_HINT = re.compile(
    r"\b(?:boyfriend|girlfriend|partner|bf|gf|male|man|female|woman|lad|guy|boy|girl|friend)\b"
)


@cache
def _matcher(model: str) -> Matcher:
    matcher = Matcher(pipeline(model).vocab)
    matcher.add("PERSON_REFERENCE", _PATTERNS, greedy="LONGEST")
    return matcher


_NEGATION = frozenset({"no", "not", "n't", "never", "without"})


def _negated(span: Span) -> bool:
    """ "doesn't have a boyfriend", "no boyfriend": nobody is there to name."""
    before = span.doc[max(span.sent.start, span.start - 3): span.start]
    return any(token.lower_ in _NEGATION for token in before)


class UnnamedPerson(Rule):
    """A boyfriend, girlfriend, older male or friend is mentioned without a name or description.

    Details of the people around the child help the police and MAST identify who may pose a
    risk and disrupt the exploitation. Please add the person's name and anything known about
    them: age, description, car, where they live or spend time. If the name is not known,
    please say so and describe them. A person named, nicknamed or described (age, looks, car
    or plate, where they live or work) in the same sentence is not a finding, nor is a
    sentence saying there is nobody ("she doesn't have a boyfriend").

    **Anti-pattern**

        Amy has a boyfriend who is older than her.

    **Good practice**

        Amy's boyfriend is known only as "Kez"; he is believed to be in his twenties, drives a
        white Volvo and possibly lives near the Co-op on Lead Lane.
    """

    code = "UNNAMED_PERSON"
    position = 130
    severity = Severity.ADVICE
    guide = (
        "It is really important that if you refer to a boyfriend or a girlfriend you add their name "
        "and any details known of that person."
    )
    scope = "item or whole tool"
    anchor = ITEM_ROW
    prompts = frozenset()
    short_fix = "Give this person's name and what you know about them."

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        matcher = _matcher(options.spacy_model)
        child = frozenset((record.child.name or "").replace("'", " ").split())
        findings: dict[str | None, Finding] = {}
        for key, text in all_texts(record):
            if key in findings or not _HINT.search(text.lower()):
                continue
            doc = parse(text, options.spacy_model)
            for span in matcher(doc, as_spans=True):
                if not _negated(span) and not is_named_or_described(span.sent, child):
                    findings[key] = self.finding(
                        key,
                        f'"{span.text}" is mentioned without a name or description. Please add '
                        "their name, if known, and any details: age, description, car, where they "
                        "live or spend time.",
                        excerpt(text, span.start_char, span.end_char),
                    )
                    break
        return list(findings.values())
