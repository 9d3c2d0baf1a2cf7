"""The language helpers the checks read with: UK date forms, ended and ongoing concerns,
the specifics of an incident, and an alias in the name box."""

from __future__ import annotations

from datetime import date

import pytest

from mast_intake.language.aliases import split_alias
from mast_intake.language.dates import find_dates
from mast_intake.language.evidence import ages_mentioned, says_ended, says_ongoing
from mast_intake.language.specifics import specifics_of

ASSESSED = date(2026, 6, 16)


@pytest.mark.parametrize(("text", "latest"), [
    ("missing 15.03.26", date(2026, 3, 15)),
    ("Dec 2025/Jan 2026", date(2026, 1, 31)),
    ("w/c 4/5", date(2026, 5, 4)),
    ("on 20/03", date(2026, 3, 20)),
    ("in July", date(2025, 7, 31)),
    ("last October", date(2025, 10, 31)),
    ("last summer", date(2025, 8, 31)),
    ("over Christmas 2025", date(2026, 1, 4)),
    ("a fortnight ago", date(2026, 6, 2)),
    ("a couple of weeks ago", date(2026, 6, 2)),
    ("Excluded 12/01/26-16/01/26", date(2026, 1, 16)),
    ("the 2nd of February", date(2026, 2, 2)),
])
def test_uk_date_forms(text: str, latest: date) -> None:
    assert max(m.latest for m in find_dates(text, ASSESSED)) == latest


@pytest.mark.parametrize("text", ["3/4 of the time", "scored 7/10", "in at 11.45pm", "by June",
                                  "in the summer"])
def test_not_dates(text: str) -> None:
    assert find_dates(text, ASSESSED) == []


def test_when_she_was_twelve_is_a_year_of_her_life() -> None:
    (mention,) = ages_mentioned("found drunk when she was 12", date(2011, 4, 2))
    assert (mention.value, mention.latest) == (date(2023, 4, 2), date(2024, 4, 1))


@pytest.mark.parametrize(("text", "ended", "ongoing"), [
    ("no missing episodes since", True, False),
    ("now living with dad and it is going well", True, False),
    ("nothing like it since half term", True, False),
    ("has been going missing since Christmas", False, True),
    ("no longer sees her school friends", False, False),
    ("has not engaged since January and still ignores calls", False, True),
    ("this has now stopped since mum put controls on", True, False),
])
def test_ended_and_ongoing(text: str, ended: bool, ongoing: bool) -> None:
    assert (bool(says_ended(text)), says_ongoing(text)) == (ended, ongoing)


def test_specifics_of_one_incident_told_two_ways() -> None:
    a = specifics_of("On Monday 4th May mum counted 15 withheld calls between 8 and 11pm.", ASSESSED)
    b = specifics_of("Phone went non-stop on Mon 4/5 - fifteen withheld calls in one evening.", ASSESSED)
    assert a.days & b.days == {date(2026, 5, 4)} and "amount" in a.shared_kinds(b)


def test_full_names_are_compared_whole() -> None:
    a = specifics_of("Seen with Dean Lister (DOB 15-08-2001) on 2 May.", ASSESSED)
    b = specifics_of("Got into a car driven by Dean Fletcher on 2 May.", ASSESSED)
    assert not a.shared_kinds(b)


@pytest.mark.parametrize(("written", "name", "alias"), [
    ("Kaiden Jones \u2013 known as KJ", "Kaiden Jones", "KJ"),
    ("Charlie-Jay Ward (goes by CJ)", "Charlie-Jay Ward", "CJ"),
    ("Ella Hart aka Elz", "Ella Hart", "Elz"),
    ("Mia Harper", "Mia Harper", ""),
])
def test_alias_in_the_name_box(written: str, name: str, alias: str) -> None:
    assert split_alias(written) == (name, alias)
