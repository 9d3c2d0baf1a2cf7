"""When the events a statement describes happened: its dates, less dates of birth."""

from __future__ import annotations

import re
from datetime import date, timedelta
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
    r"\b(?:since|still|ongoing|continues|continuing|continued|currently|current|at present|to date"
    r"|remains|every (?:day|night|week|weekend)|most (?:days|nights|weekends|evenings)"
    r"|(?:this|last) (?:week|weekend)|again (?:on|this|last|yesterday)|increasing(?:ly)?)\b",
    re.IGNORECASE,
)
# Words saying the concern has ended: "no missing episodes since", "nothing like it since half
# term", "now living with dad and it is going well", "no longer sees him".
_ENDED = re.compile(
    r"\b(?:(?:no|not\s+any|nothing|nil|none)\b[^.;]{0,60}?\bsince\b(?!\s+(?:she|he|they)\b[^.;]{0,30}\bstarted)"
    r"|(?:has|have|had|is|was)\s*(?:not|n[\u2019']t)\s+(?:been\s+)?(?:missing|reported|seen|found|arrested"
    r"|excluded|in\s+contact|gone|had|happened|returned|used|self-harmed|drunk|drinking|out)\b"
    r"[^.;]{0,60}?\b(?:since|again)\b"
    r"|none\s+since|no\s+(?:further|more|new|repeat)\s+(?:\w+\s+)?(?:incidents?|episodes?"
    r"|reports?|concerns?|missing|contact|sightings?|occasions?)"
    r"|(?:has|have|had)\s+(?:now\s+)?(?:stopped|ended|ceased)|(?:stopped|ended)\s+(?:in|on|after|when|last)\b"
    r"|(?:was|is|has\s+been|have\s+been)\s+(?:resolved|closed|finished)"
    r"|never\s+(?:happened|been\s+repeated)\s+again|not\s+(?:happened|been\s+repeated)\s+again"
    r"|now\s+(?:lives|living|settled|placed|moved)\b[^.;]{0,80}?\b(?:going\s+well|settled|happy|no\s+concerns|doing\s+well)"
    r"|(?:is|are|seems?|has)\s+now\s+(?:settled|doing\s+well|going\s+well)"
    r"|(?:been|was|is|all)\s+(?:good|fine|better|ok|okay|settled|calm)\s+since"
    r"|(?:has|have|had)\s+(?:now\s+)?(?:settled|calmed(?:\s+down)?|improved)|none\s+so\s+far"
    r"|historic(?:al|ally)?|\bhx\s+of)\b",
    re.IGNORECASE,
)
# "when she was 12", "at the age of 11", "aged 12 at the time": a year of the child's life.
_AT_AGE = re.compile(
    r"\b(?:when\s+(?:she|he|they|[A-Z][a-z]+)\s+(?:was|were)|at\s+(?:the\s+)?age\s+(?:of\s+)?"
    r"|aged)\s+(?P<age>\d{1,2}|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen)\b"
    r"(?!\s*(?:years?\s+old\s+)?(?:boy|girl|lad|man|men|male|female|friend|peer))",
    re.IGNORECASE,
)
_AGE_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen".split())}
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


def says_ended(text: str) -> re.Match | None:
    """Where the text says the concern has ended or is historical, if it does."""
    return _ENDED.search(text)


def ended_clauses(text: str) -> list[tuple[int, int]]:
    """Where the text says the concern has ended, to the end of each clause ("none since May")."""
    return [(m.start(), m.end()) for m in re.finditer(_ENDED.pattern + r"[^.;]*", text, re.IGNORECASE)]


def says_ongoing(text: str) -> bool:
    """True when the text says the concern carries on ("still", "since 2023", "ongoing").

    Words inside a phrase saying it has ended ("no missing episodes since") do not count.
    """
    # The rest of the clause belongs to the ending: "has now stopped since mum ...".
    remainder = re.sub(_ENDED.pattern + r"[^.;]*", " ", text, flags=re.IGNORECASE)
    return bool(_ONGOING.search(remainder))


def ages_mentioned(text: str, dob: date | None) -> tuple[DateMention, ...]:
    """A year of the child's life named by age ("when she was 12"), as a range of dates."""
    if dob is None:
        return ()
    found = []
    for match in _AT_AGE.finditer(text):
        word = match.group("age").lower()
        age = int(word) if word.isdigit() else _AGE_WORDS[word]
        if not 3 <= age <= 20:
            continue
        start = _birthday(dob, age)
        until = _birthday(dob, age + 1) - timedelta(days=1)
        found.append(DateMention(match.start(), match.end(), match.group(0), start, "range", until))
    return tuple(found)


def _birthday(dob: date, age: int) -> date:
    try:
        return dob.replace(year=dob.year + age)
    except ValueError:  # 29 February
        return date(dob.year + age, 3, 1)
