"""REPEATED_POINT: one concern scored twice, within an item or under two items."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import combinations

from spacy.lang.en.stop_words import STOP_WORDS

from mast_intake.language.specifics import Specifics, specifics_of
from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.models.form import ITEMS
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import ITEM_ROW, Rule
from mast_intake.validation.text import excerpt, scored_entries

# Two statements describe the same incident when their words overlap this much (Jaccard), or
# this much less when they also give the same day.
SAME_WORDS = 0.6
SAME_WORDS_SAME_DAY = 0.45
# Paraphrases share few words: the same day with one shared specific (time, person or place,
# platform, vehicle, amount), or two kinds of shared specific and some shared words, will do.
SOME_WORDS = 0.2
_NOT_COUNTED = frozenset(STOP_WORDS) | {"source"}


@dataclass
class _Statement:
    """A scored statement as the comparison needs it: its words, and the specifics it names."""

    item: str
    text: str
    words: frozenset[str]
    record: Assessment
    leave_out: frozenset[str]
    _specifics: Specifics | None = None

    @property
    def specifics(self) -> Specifics:
        # Reading dates and names is the costly part: only done for pairs that get that far.
        if self._specifics is None:
            births = (self.record.child.dob,) if self.record.child.dob else ()
            self._specifics = specifics_of(self.text, self.record.assessment_date, births, self.leave_out)
        return self._specifics

    @property
    def days(self) -> frozenset[date]:
        return self.specifics.days


def _child_names(record: Assessment) -> frozenset[str]:
    written = " ".join((record.child.name or "", record.child.fields.get("known_as", "")))
    return frozenset(re.findall(r"[a-z]+", written.lower()))


def _statements(record: Assessment) -> list[_Statement]:
    leave_out = _child_names(record)
    statements = []
    for key, item in record.items.items():
        for entry in scored_entries(item):
            words = frozenset(re.findall(r"[a-z]{3,}", entry.text.lower())) - _NOT_COUNTED - leave_out
            if words:
                statements.append(_Statement(key, entry.text, words, record, leave_out))
    return statements


def _same_incident(a: _Statement, b: _Statement) -> bool:
    overlap = len(a.words & b.words) / len(a.words | b.words)
    if a.days and b.days and not a.days & b.days:
        # Different days are different incidents, unless one night runs into the next morning
        # and the two tell it with the same specifics (a time and a vehicle, say).
        next_day = any(abs((x - y).days) == 1 for x in a.days for y in b.days)
        return next_day and len(a.specifics.shared_kinds(b.specifics)) >= 2
    if overlap >= SAME_WORDS:
        return True
    shared = a.specifics.shared_kinds(b.specifics)
    if a.days & b.days:
        return overlap >= SAME_WORDS_SAME_DAY or bool(shared)
    return len(shared) >= 2 and overlap >= SOME_WORDS


class RepeatedPoint(Rule):
    """The same concern is scored more than once.

    The score is one point at most for each risk or vulnerability. Two statements scored in
    one item, or one incident scored under two items, count the same thing twice and make
    the total look higher than it is. An incident is recognised by its specifics, not only by
    copied words: the same day with the same time, person, place, platform, vehicle or amount
    ("Monday 7th September, fifteen withheld calls" and "Mon 7/9, 15 calls from withheld
    numbers"); statements on different days are different incidents. Please score each item
    once: give the strongest recent example its point, and add further detail to the same
    statement without a second score.
    When one incident fits two items, score it under the one it fits best and mention it
    unscored in the other, or in the summary.

    **Anti-pattern**

        Staying out later than expected: 1- Amy went missing on 3 May and was found at 05:00.
        Periods of going missing overnight: 1- Amy went missing on 3 May and was found at 05:00.

    **Good practice**

        Staying out later than expected: 1- Amy came home at 01:30 on 12 May, four hours later
        than agreed (source: mother).
        Periods of going missing overnight: 1- Amy went missing on 3 May and was found at 05:00
        (source: police missing report).
    """

    code = "REPEATED_POINT"
    position = 20
    severity = Severity.MUST_FIX
    guide = (
        "Avoid repeating information and therefore scoring the same thing twice. The score "
        "should be a maximum of one point per risk/vulnerability."
    )
    scope = "item or whole tool"
    anchor = ITEM_ROW
    prompts = frozenset()
    short_fix = "Score this concern once only."

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        findings = []
        for key, item in record.items.items():
            scored = [e for e in item.entries if e.score]
            if item.score > 1 or len(scored) > 1:
                text = scored[1].text if len(scored) > 1 else item.rationale
                findings.append(self.finding(
                    key,
                    f"This item is given {max(item.score, len(scored))} points, but the score is one "
                    "point at most per item. Please keep one scored statement and add the other "
                    "details to it without a second score.",
                    excerpt(text),
                ))
        pairs: dict[tuple[str, str], str] = {}
        for a, b in combinations(_statements(record), 2):
            if a.item != b.item and (a.item, b.item) not in pairs and _same_incident(a, b):
                pairs[(a.item, b.item)] = a.text
        if pairs:
            named = "; ".join(f'"{ITEMS[a].label}" and "{ITEMS[b].label}"' for a, b in pairs)
            findings.append(self.finding(
                None,
                f"The same incident looks to be scored under two items: {named}. Please score it "
                "once, under the item it fits best, and mention it without a score elsewhere.",
                excerpt(next(iter(pairs.values()))),
            ))
        return findings
