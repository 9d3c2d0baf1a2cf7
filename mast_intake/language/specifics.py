"""The specifics that pin a statement to one incident: day, time, people and places, platform,
vehicle, amounts. Two statements sharing them describe the same incident, whatever the words.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from mast_intake.language.dates import find_dates
from mast_intake.language.evidence import event_dates

PLATFORMS = frozenset(
    "snapchat snap instagram insta whatsapp tiktok facebook messenger telegram discord omegle kik "
    "wizz yubo grindr tinder twitter youtube onlyfans roblox fortnite xbox playstation psn hoop "
    "monkey badoo bumble threads signal imessage facetime".split()
)
VEHICLES = frozenset(
    "audi bmw mercedes merc ford vauxhall nissan qashqai juke micra toyota yaris prius honda civic "
    "volkswagen vw golf polo passat corsa astra insignia fiesta focus kuga transit seat ibiza kia "
    "hyundai peugeot renault clio megane skoda octavia fabia mini evoque tesla citroen fiat jaguar "
    "lexus volvo mazda mitsubishi suzuki taxi uber moped motorbike scooter minibus".split()
)
_TIME = re.compile(
    r"\b(?P<hour>[01]?\d|2[0-3])(?:[:.](?P<minute>[0-5]\d))?\s*(?P<half>am|pm)\b"
    r"|\b(?P<hour24>[01]?\d|2[0-3])[:.](?P<minute24>[0-5]\d)\b(?![.:/]\d)",
    re.IGNORECASE,
)
_PLATE = re.compile(r"\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b")
_MONEY = re.compile(r"\u00a3\s?(\d[\d,]*(?:\.\d\d)?)")
_NUMBER = re.compile(r"\b(\d{1,4})\b(?![:./]\d)")
_NUMBER_WORDS = {
    word: number for number, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_CAPITALISED = re.compile(r"^[\"'(\u201c\u2018]*([A-Z][a-z]+)(?:['\u2019]s)?[\W]*$")
# Capitalised words that name no particular person or place.
_COMMON = frozenset(
    {m.lower() for m in calendar.month_name[1:] + calendar.month_abbr[1:] + calendar.day_name[:]
     + calendar.day_abbr[:]}
    | set("mum mam mom dad nan nana gran grandma grandad grandpa granddad aunt auntie uncle "
          "police school college social care team home staff teacher worker officer nurse "
          "doctor gp carer foster sept tues thurs weds christmas easter mr mrs ms miss dr "
          "i the a she he they her his their it".split())
)


_PLACE_CUES = frozenset({"in", "near", "around", "across", "of"})


@dataclass(frozen=True)
class Specifics:
    """What a statement names that only one incident would: each kind as a set."""

    days: frozenset[date]
    times: frozenset[int]
    names: frozenset[str]
    platforms: frozenset[str]
    vehicles: frozenset[str]
    amounts: frozenset[str]

    def shared_kinds(self, other: Specifics) -> list[str]:
        """The kinds of specific (other than the day) that both statements name alike."""
        pairs = {
            "time": (self.times, other.times), "name": (self.names, other.names),
            "platform": (self.platforms, other.platforms), "vehicle": (self.vehicles, other.vehicles),
            "amount": (self.amounts, other.amounts),
        }
        return [kind for kind, (a, b) in pairs.items() if a & b]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _times(text: str) -> frozenset[int]:
    found = set()
    for match in _TIME.finditer(text):
        if match.group("hour") is not None:
            hour = int(match.group("hour")) % 12 + (12 if match.group("half").lower() == "pm" else 0)
            minute = int(match.group("minute") or 0)
        else:
            hour, minute = int(match.group("hour24")), int(match.group("minute24"))
        found.add(hour * 60 + minute)
    return frozenset(found)


def _amounts(text: str, dates_and_times: str) -> frozenset[str]:
    """Money and counts of three or more, with number words as digits ("fifteen calls" = 15)."""
    found = {"\u00a3" + m.group(1).replace(",", "") for m in _MONEY.finditer(text)}
    plain = _MONEY.sub(" ", dates_and_times)
    found |= {m.group(1) for m in _NUMBER.finditer(plain) if 3 <= int(m.group(1)) <= 500}
    found |= {str(_NUMBER_WORDS[w]) for w in _words(plain) if _NUMBER_WORDS.get(w, 0) >= 3}
    return frozenset(found)


def _names(text: str, leave_out: frozenset[str]) -> frozenset[str]:
    """People and venues: runs of capitalised words inside sentences (not their first word), as
    one name ("Dean Lister" is not "Dean Fletcher"). A town after "in" or "near" is left out:
    most of a tool happens in the child's own town."""
    found = set()
    for sentence in re.split(r"(?<=[.!?;:])\s+|\n", text):
        words = sentence.split()
        # A sentence may start with a full name ("Aaron Briggs assaulted her"), not one word.
        index = 0 if len(words) > 1 and _CAPITALISED.match(words[1]) else 1
        while index < len(words):
            start, run = index, []
            while index < len(words) and (match := _CAPITALISED.match(words[index])):
                key = match.group(1).lower()
                if key in _COMMON or key in leave_out:
                    break
                run.append(key)
                index += 1
                if not re.search(r"[\w'\u2019]$", words[index - 1]):
                    break  # punctuation after a word ends the name
            if run and not (len(run) == 1 and (start == 0 or words[start - 1].lower() in _PLACE_CUES)):
                found.add(" ".join(run))
            index += 0 if run else 1
    return frozenset(found)


def specifics_of(
    text: str, reference: date | None, births: tuple[date, ...] = (), leave_out: frozenset[str] = frozenset()
) -> Specifics:
    """The specifics ``text`` names; ``leave_out`` holds the child's own names (lower case)."""
    mentions = event_dates(text, reference, births)
    without_dates = text
    # Dates of birth too: their digits are no amount, and they sit beside a name already counted.
    for mention in sorted(find_dates(text, reference), key=lambda m: -m.start):
        without_dates = without_dates[: mention.start] + " " + without_dates[mention.end:]
    words = set(_words(text))
    return Specifics(
        days=frozenset(m.value for m in mentions if m.precision == "day"),
        times=_times(without_dates),
        names=_names(without_dates, leave_out),
        platforms=frozenset(words & PLATFORMS),
        vehicles=frozenset(words & VEHICLES) | frozenset(_PLATE.findall(text)),
        amounts=_amounts(text, _TIME.sub(" ", without_dates)),
    )
