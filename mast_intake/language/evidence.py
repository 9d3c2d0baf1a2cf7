"""When the events a statement describes happened: its dates, less dates of birth."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from mast_intake.language.dates import DateMention, age_on, find_dates

# "(DOB 19-08-1993)", "D.O.B: ...", "date of birth ...", "born ...", "b. ..." just before the date.
_DOB_CUE = re.compile(r"(?:\bd\.?o\.?b\.?|date\s+of\s+birth|\bborn(?:\s+on)?|\bb\.)\s*[:\-]?\s*$",
                      re.IGNORECASE)
# A capitalised word (a name) straight before the date: "Sarah Brent 11-6-00", "Tom Jones (10-1-99".
_AFTER_NAME = re.compile(r"\b(?P<word>[A-Z][a-z'\u2019-]+)\s*[,(]?\s*$")
_NOT_NAMES = frozenset(
    "On In Since From During Until By Before After Between Around About Approximately Circa "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Update Updated Dated Date Reviewed "
    "Source Police School Mother Father Carer".split()
)
# Words saying the concern is still going on, whatever date it started.
_ONGOING = re.compile(
    r"\b(?:since|still|ongoing|continues|continuing|currently|current|at present|to date|remains)\b",
    re.IGNORECASE,
)
_NAME_DOB_MIN_YEARS = 10


def is_birth_date(text: str, mention: DateMention, reference: date | None) -> bool:
    """True when the date is someone's date of birth rather than when something happened."""
    before = text[max(0, mention.start - 40): mention.start]
    if _DOB_CUE.search(before):
        return True
    name = _AFTER_NAME.search(before)
    if not name or name.group("word") in _NOT_NAMES or mention.precision != "day":
        return False
    return reference is None or age_on(mention.value, reference) >= _NAME_DOB_MIN_YEARS


@lru_cache(maxsize=1024)
def event_dates(
    text: str, reference: date | None, birth_dates: tuple[date, ...] = ()
) -> tuple[DateMention, ...]:
    """Dates in ``text`` that say when something happened: dates of birth are left out."""
    return tuple(
        mention
        for mention in find_dates(text, reference)
        if mention.value not in birth_dates and not is_birth_date(text, mention, reference)
    )


def says_ongoing(text: str) -> bool:
    """True when the text says the concern carries on ("still", "since 2023", "ongoing")."""
    return bool(_ONGOING.search(text))
