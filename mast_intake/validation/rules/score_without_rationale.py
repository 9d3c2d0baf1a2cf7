"""SCORE_WITHOUT_RATIONALE: a point with no reason or source given."""

from __future__ import annotations

import re

from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import ITEM_ROW, Rule
from mast_intake.validation.text import excerpt, item_texts

# Answers that say nothing about why the item applies.
_NON_ANSWER = re.compile(
    r"^\W*(?:yes|y|x|tick(?:ed)?|\u2713|\u2714|n/?a|tbc|tba|unknown|none|score|scored|\d+)?\W*$",
    re.IGNORECASE,
)
# Where the information came from: a "source", an agency, a professional or a person who told.
_SOURCE = re.compile(
    r"\b(?:source|sources|according|reported|reports?|report(?:ing)?|told|tells|said|says|stated|"
    r"disclosed|discloses|disclosure|informed|notified|shared|raised|referral|referred|records?|recorded|"
    r"intelligence|observed|seen|witnessed|found|police|school|college|teacher|dsl|pcso|gp|nurse|"
    r"hospital|a&e|camhs|health|worker|carer|carers|mother|mum|father|dad|parent|parents|"
    r"grandmother|grandfather|aunt|uncle|sibling|sister|brother|neighbour|neighbours|staff|"
    r"manager|officer|social care|agency|agencies|clinic|service|team|meeting|chronology|minutes|"
    r"direct work|visit|screenshots?|messages?|cctv)\b",
    re.IGNORECASE,
)


# A statement this short with no source in it ("went missing") gives MAST nothing to weigh; a
# longer one is a rationale, and whether its source is clear enough is for MAST to judge.
_MIN_WORDS = 5


class ScoreWithoutRationale(Rule):
    """An item is scored without a rationale or a source.

    Every point needs a short statement of why it applies and where the information came from
    (who said or saw it, and when). Without them MAST cannot weigh the score or follow it up
    with the agency that knows. A score on its own, or a statement that does not say where
    it came from, is hard to act on.

    **Anti-pattern**

        Drug & alcohol misuse: 1

    **Good practice**

        Drug & alcohol misuse: 1- On 4 May Amy was found drunk in the park with two older
        males; she said they gave her vodka (source: police log, shared by PCSO Patel).
    """

    code = "SCORE_WITHOUT_RATIONALE"
    position = 40
    severity = Severity.MUST_FIX
    guide = "Rationale for decision making and sources of information to be given for all scores."
    anchor = ITEM_ROW
    prompts = frozenset()
    short_fix = "Say why you scored it and where you heard it."

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        findings = []
        for key, item in record.items.items():
            if item.score <= 0:
                continue
            written = " ".join(t for t in item_texts(item) if not _NON_ANSWER.match(t)).strip()
            if not written:
                findings.append(self.finding(
                    key,
                    "This item is scored but no reason is given. Please add a short statement of "
                    "what happened, when, and where the information came from.",
                    excerpt(item.rationale),
                ))
            elif len(written.split()) < _MIN_WORDS and not _SOURCE.search(written):
                findings.append(self.finding(
                    key,
                    "This item is scored but does not say where the information came from. Please "
                    "add the source (for example police, school, parent, or your own direct work) "
                    "and the date it was received.",
                    excerpt(written),
                ))
        return findings
