"""Read the date forms UK workers write: 05/05/2026, 5-5-26, 15.03.26, 5th of May, on 20/03,
w/c 4/5, May 2025, "in July", "last October", "last summer", "last year", "a fortnight ago".

Every mention carries the span it was read from and how precise it is, so that a check can
ask "how late could this have been?" (``latest``) without guessing a day that was never written.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Precision = Literal["day", "month", "year", "range"]

MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

_NUMERIC = re.compile(
    r"(?<![\d/.-])(?P<day>[0-3]?\d)(?P<sep>[/.-])(?P<month>[01]?\d)(?P=sep)(?P<year>\d{4}|\d{2})(?![\d/-])"
)
_DAY_MONTH = re.compile(
    rf"\b{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?\b", re.IGNORECASE
)
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+{_YEAR}\b", re.IGNORECASE)
_YEAR_ONLY = re.compile(r"\b(?:in|since|during|from|of|until|by|early|late|mid)[\s-]+" + _YEAR + r"\b",
                        re.IGNORECASE)
_RELATIVE = re.compile(
    r"\b(?P<phrase>last\s+(?:year|month|week|weekend|night)|yesterday|today|this\s+(?:week|month|year)"
    r"|(?:(?:over|more\s+than|about|around|roughly|nearly|almost)\s+)?"
    r"(?P<count>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"a\s+couple\s+of|couple\s+of|a\s+few|few|several)\s+"
    r"(?P<unit>days?|weeks?|fortnights?|months?|years?)\s+ago)\b",
    re.IGNORECASE,
)
# A day and month with no year, only after a word that makes it a date: "on 20/03", "w/c 4/5",
# "Mon 7/9", "(8/9 and 14/9)". Bare "3/4" may be a fraction or a score.
_DAY_MONTH_NUMERIC = re.compile(
    r"(?:\b(?:on|w/?c|wc|w/?e|from|since|and|dated|between|before|after|around|"
    r"mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\.?"
    r"\s+|[(,&\u2013\u2014-]\s*)"
    r"(?P<day>[0-3]?\d)/(?P<month>[01]?\d)(?![\d/])",
    re.IGNORECASE,
)
# A month on its own: "in July", "last October", "since March", "during the summer of", "July's".
_MONTH_ONLY = re.compile(
    rf"\b(?P<cue>in|during|since|over|throughout|from|last|early|late|mid|"
    rf"(?:the\s+)?(?:end|start|beginning|middle)\s+of)[\s-]+(?:the\s+)?{_MONTH}(?!\s*\d)\b",
    re.IGNORECASE,
)
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_SEASON = re.compile(
    r"\b(?P<cue>last|this|over\s+the|during\s+the|since\s+the)\s+"
    r"(?P<season>spring|summer|autumn|winter)(?:\s+(?:holidays?|term|break))?\b",
    re.IGNORECASE,
)
_HAS_SEASON = re.compile(r"(?i)spring|summer|autumn|winter")
# Christmas and Easter, with or without a year: the holiday weeks around them.
_HOLIDAY = re.compile(
    r"\b(?:(?P<cue>last|this)\s+|(?:over|at|during|since|before|after)\s+)"
    r"(?P<name>christmas|xmas|easter)(?:\s+(?P<year>(?:19|20)\d\d))?\b",
    re.IGNORECASE,
)
_HOLIDAYS = {"christmas": ((12, 18), (1, 4)), "xmas": ((12, 18), (1, 4)), "easter": ((3, 20), (4, 30))}
# The dash of a range between two numeric dates ("12/01/26-16/01/26"), read as a space.
_RANGE_DASH = re.compile(r"(?<=\d)[-\u2013\u2014](?=\d{1,2}[/.]\d{1,2}[/.]\d)")
# Cheap gates: most texts hold no month name or relative phrase, so the costly patterns that
# need one are skipped for them.
_HAS_MONTH = re.compile(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")
_HAS_YEAR = re.compile(r"(?:19|20)\d\d")
_HAS_RELATIVE = re.compile(r"(?i)\b(?:ago|last|yesterday|today|this)\b")
_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a couple of": 2, "couple of": 2, "a few": 3, "few": 3, "several": 4,
}


@dataclass(frozen=True)
class DateMention:
    """A date found in text: the span, the earliest day it can mean and its precision."""

    start: int
    end: int
    text: str
    value: date
    precision: Precision
    until: date | None = None  # the last day of a "range" (a season)

    @property
    def latest(self) -> date:
        """The last day the mention can mean (the end of its month, season or year when vaguer)."""
        if self.until is not None:
            return self.until
        if self.precision == "day":
            return self.value
        if self.precision == "month":
            last = calendar.monthrange(self.value.year, self.value.month)[1]
            return self.value.replace(day=last)
        return date(self.value.year, 12, 31)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= 69 else 1900
    return year


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _infer_year(month: int, day: int, reference: date | None) -> date | None:
    """A day and month with no year: the latest such date not after the reference."""
    if reference is None:
        return None
    candidate = _safe(reference.year, month, day)
    if candidate and candidate > reference:
        candidate = _safe(reference.year - 1, month, day)
    return candidate


def _relative(match: re.Match, reference: date | None) -> tuple[date, Precision] | None:
    if reference is None:
        return None
    phrase = match.group("phrase").lower()
    if match.group("unit"):
        count_text = match.group("count").lower()
        count_text = " ".join(count_text.split())
        count = int(count_text) if count_text.isdigit() else _WORD_NUMBERS[count_text]
        unit = match.group("unit").lower().rstrip("s")
        if unit == "fortnight":
            return reference - timedelta(weeks=2 * count), "day"
        if unit == "day":
            return reference - timedelta(days=count), "day"
        if unit == "week":
            return reference - timedelta(weeks=count), "day"
        if unit == "month":
            month_index = reference.year * 12 + reference.month - 1 - count
            return date(month_index // 12, month_index % 12 + 1, 1), "month"
        return date(reference.year - count, 1, 1), "year"
    if phrase.startswith("last") and phrase.endswith("year"):
        return date(reference.year - 1, 1, 1), "year"
    if phrase.startswith("last") and phrase.endswith("month"):
        month_index = reference.year * 12 + reference.month - 2
        return date(month_index // 12, month_index % 12 + 1, 1), "month"
    if phrase.startswith("last"):
        return reference - timedelta(days=7), "day"
    if phrase == "yesterday":
        return reference - timedelta(days=1), "day"
    return reference, "day"


def find_dates(text: str, reference: date | None = None) -> list[DateMention]:
    """Every date mention in ``text``, left to right, without overlaps.

    ``reference`` (usually the assessment date) resolves "last year", "3 weeks ago" and days
    written without a year; without it those forms are skipped.
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match, value: date | None, precision: Precision, until: date | None = None) -> None:
        start, end = _span(match)
        if value is None or any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        found.append(DateMention(start, end, text[start:end], value, precision, until))

    for m in _NUMERIC.finditer(_RANGE_DASH.sub(" ", text)):
        add(m, _safe(_year(m.group("year")), int(m.group("month")), int(m.group("day"))), "day")
    has_month = _HAS_MONTH.search(text) is not None
    for pattern in (_DAY_MONTH, _MONTH_DAY) if has_month else ():
        for m in pattern.finditer(text):
            month, day = MONTHS[m.group("month").lower()], int(m.group("day"))
            if m.group("year"):
                add(m, _safe(int(m.group("year")), month, day), "day")
            else:
                add(m, _infer_year(month, day, reference), "day")
    has_year = _HAS_YEAR.search(text) is not None
    for m in _MONTH_YEAR.finditer(text) if has_month and has_year else ():
        add(m, date(int(m.group("year")), MONTHS[m.group("month").lower()], 1), "month")
    for m in _YEAR_ONLY.finditer(text) if has_year else ():
        add(m, date(int(m.group("year")), 1, 1), "year")
    for m in _DAY_MONTH_NUMERIC.finditer(text) if reference and "/" in text else ():
        month, day = int(m.group("month")), int(m.group("day"))
        if 1 <= month <= 12:
            add(m, _infer_year(month, day, reference), "day")
    if reference:
        for m in _MONTH_ONLY.finditer(text) if has_month else ():
            add(m, _month_before(MONTHS[m.group("month").lower()], reference,
                                 strictly=m.group("cue").lower() == "last"), "month")
        for m in _SEASON.finditer(text) if _HAS_SEASON.search(text) else ():
            add(m, *_season(m.group("season").lower(), m.group("cue").lower() == "last", reference))
        for m in _HOLIDAY.finditer(text):
            add(m, *_holiday(m, reference))
    for m in _RELATIVE.finditer(text) if _HAS_RELATIVE.search(text) else ():
        resolved = _relative(m, reference)
        if resolved:
            add(m, *resolved)
    found.sort(key=lambda mention: mention.start)
    return found


def _span(match: re.Match) -> tuple[int, int]:
    """Where a date phrase is, leaving out the cue word a bare "20/03" needs ("on", "w/c")."""
    if match.re is _DAY_MONTH_NUMERIC:
        return match.start("day"), match.end()
    return match.span()


def _month_before(month: int, reference: date, strictly: bool = False) -> date:
    """The first day of the latest ``month`` up to the reference's ("last July": before it)."""
    year = reference.year
    if month > reference.month or (strictly and month == reference.month):
        year -= 1
    return date(year, month, 1)


def _holiday(match: re.Match, reference: date) -> tuple[date, Precision, date]:
    """The holiday weeks named: of the year given, else the latest begun by the reference
    ("last Christmas": the latest already over)."""
    (first_month, first_day), (last_month, last_day) = _HOLIDAYS[match.group("name").lower()]

    def weeks(year: int) -> tuple[date, date]:
        end_year = year + (last_month < first_month)
        return date(year, first_month, first_day), date(end_year, last_month, last_day)

    if match.group("year"):
        start, end = weeks(int(match.group("year")))
    else:
        start, end = weeks(reference.year)
        if start > reference or ((match.group("cue") or "").lower() == "last" and end >= reference):
            start, end = weeks(reference.year - 1)
    return start, "range", end


def _season(name: str, last: bool, reference: date) -> tuple[date, Precision, date]:
    """The latest such season begun by the reference (ended, if "last"): first day, last day."""
    first_month = _SEASONS[name]
    for year in (reference.year, reference.year - 1, reference.year - 2):
        start = date(year, first_month, 1)
        end_index = year * 12 + first_month - 1 + 3
        end = date(end_index // 12, end_index % 12 + 1, 1) - timedelta(days=1)
        if start <= reference and (not last or end < reference):
            return start, "range", end
    raise AssertionError("a season ends within two years")


def first_date(text: str, reference: date | None = None) -> date | None:
    """The first day-precise date in ``text``, if any."""
    for mention in find_dates(text, reference):
        if mention.precision == "day":
            return mention.value
    return None


def age_on(dob: date, when: date) -> int:
    """Whole years between ``dob`` and ``when``."""
    return when.year - dob.year - ((when.month, when.day) < (dob.month, dob.day))


_AGE = re.compile(r"\b(\d{1,2})\s*(?:y(?:ea)?rs?\b|y/?o\b)?", re.IGNORECASE)


def age_and_dob(text: str, on: date | None) -> tuple[int | None, date | None]:
    """The age and date of birth written in an "Age / DOB" box ("15 / 30.11.2010", "02.06.09 (17)").

    The age is the number left once the date is taken out, else worked out for ``on``.
    """
    mentions = find_dates(text)
    dob = next((m.value for m in mentions if m.precision == "day"), None)
    remainder = text
    for mention in mentions:
        remainder = remainder.replace(mention.text, " ")
    stated = next((int(m.group(1)) for m in _AGE.finditer(remainder) if int(m.group(1)) < 30), None)
    if stated is None and dob and on:
        stated = age_on(dob, on)
    return stated, dob
