"""Generated children, their tools over time and tools about other children, for measuring the
cross-tool checks' precision and recall.

Tools are :class:`~tests.fixtures.factory.FormSpec` values (so any of them can be built as a Word
document and read back); :func:`record_of` gives the record the Word reader returns for one
without building it, which ``test_cross_tool_accuracy`` checks on a sample. Everything is
invented, from seeded random choices.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta

from mast_intake.models.assessment import Assessment, ChildDetails, Entry, ItemEntry
from mast_intake.models.form import ITEMS
from mast_intake.validation.history import History, history_from
from tests.fixtures.factory import FormSpec, ItemAnswer, RedUpdate, base_spec, expected_record, with_answers

KEY = b"fictional-fingerprint-key-for-tests"
FIRST = ("Avery Bryn Cerys Dilys Elowen Ffion Gwen Hollis Ianto Jory Kit Lowen Merryn Nye Orla Peran "
         "Rhian Sian Tegen Wenna Yestin Zennor Caja Demelza").split()
LAST = ("Angwin Bolitho Chenoweth Dunstan Eddy Frean Gilbert Hosking Jago Kitto Lanyon Mitchell Nance "
        "Opie Pascoe Quick Rowe Skewes Tonkin Uren Vosper Williams").split()
PLACES = ("the bus station|the retail park|the skate park|the harbour car park|the old cinema|the arcade|"
          "the leisure centre|the chip shop on Fore Street|the recreation ground|the train station|"
          "the precinct|the allotments|the multi-storey|the beach huts|the library steps").split("|")
PEOPLE = ("a man in his twenties|two older youths|a woman called Dee|a group from Redruth|a taxi driver|"
          "a man known as Ozzy|older males in a white van|a lad from college|men she calls uncles|"
          "a couple in their thirties|an older girl called Shan|boys from the estate").split("|")
CARS = ("grey Audi A3|white Transit van|black BMW 1 Series|red Ford Fiesta|silver Vauxhall Corsa|"
        "blue Seat Leon|green Nissan Micra").split("|")
SOURCES = ("police|school DSL|mother|foster carer|PCSO|youth worker|social worker|GP|school nurse|"
           "aunt").split("|")
# Workers write the same things in many ways: {a|b} picks one wording, so two workers rarely write
# twelve words alike unless one copied the other.
WORRIES = (
    "{she is|I think she is|we believe she is} {being groomed|targeted|being exploited} by {people} "
    "{she meets|she sees|who pick her up} {at|near|around} {place}",
    "{people} {give|have been giving|keep offering} her {alcohol|drink|cannabis|vapes|cigarettes} and "
    "{lifts|rides|a car home|free food} {from|to|back from} {place} {at night|after school|on Saturdays|}",
    "she has {stopped seeing|fallen out with|dropped} her {friends|mates|old friends} and {spends|passes} "
    "{evenings|nights|most evenings} {near|at|around} {place} with {people}",
    "she {goes|has gone|keeps going} missing {at weekends|on Fridays|overnight} and is "
    "{found|picked up|seen} {near|at} {place}",
    "she has a {second|secret|new} phone and {messages|talks to|chats with} {people} {late at night|after "
    "midnight|in the small hours}",
)
STRENGTHS = (
    "she is {close to|fond of|honest with} her {relative} and {talks to her|confides in her|speaks to her} "
    "{about|when she has} {her worries|problems|concerns}",
    "she {still goes|keeps going|goes|has gone back} to {club} {every week|each week|most weeks|on Tuesdays} "
    "and {her coach|the leader|a volunteer there|the instructor} is a {trusted|safe|kind|steady} adult "
    "{for her|she likes|she trusts|to her}",
    "she has {started seeing|been meeting|agreed to see} a {youth worker|mentor|counsellor} and "
    "{keeps|attends|has kept} {every appointment|her sessions|each meeting}",
)
RELATIVES = "grandmother|aunt|older sister|uncle|step-mother|cousin|nan".split("|")
CLUBS = "netball|swimming club|air cadets|drama group|the youth choir|boxing|the Scouts|football".split("|")
STOCK = ("Information was shared at the multi-agency exploitation meeting and every agency agreed the "
         "safety plan.")
HEADINGS = ("What is working well", "Strengths", "Protective factors", "On the positive side", "Positives")
GOODS = ("trainers", "jewellery", "coat", "phone", "headphones", "bag")
DRINKS = ("vodka", "cider", "cans", "wine", "spirits")
# No word that says a concern carries on ("still"): that changes what the checks should say.
FILLERS = "also|often|recently|again|now|sometimes|apparently|usually|reportedly|then|really".split("|")
FILLER_RATE = 0.12
_CHOICE = re.compile(r"\{([^{}]*\|[^{}]*)\}")


def _pick(rng: random.Random, options: Sequence[str]) -> str:
    return options[rng.randrange(len(options))]


def _vary(rng: random.Random, template: str) -> str:
    """The template with one wording picked for each {a|b|c}, and the odd word a writer adds."""
    text = _CHOICE.sub(lambda m: _pick(rng, m.group(1).split("|")), template)
    words = []
    for word in text.split(" "):
        words.append(word)
        if rng.random() < FILLER_RATE and word[-1:].isalpha():
            words.append(_pick(rng, FILLERS))
    return " ".join(words)


def _day(rng: random.Random, assessed: date, within: int = 25) -> str:
    return (assessed - timedelta(days=rng.randint(1, within))).strftime("%d/%m/%Y")


def _answers(rng: random.Random, first: str, assessed: date) -> dict[str, ItemAnswer]:
    """Six scored items written about this child, each with its own dates, places and people."""
    def src() -> str:
        return _pick(rng, SOURCES)

    bank = {
        "staying_out_late": f"On {_day(rng, assessed)} {first} {{came home|got back|returned}} at "
                            f"0{rng.randint(1, 4)}:{rng.randint(10, 59)} {{after being|having been}} "
                            f"{{seen|spotted}} near {_pick(rng, PLACES)} (source: {src()}).",
        "missing_overnight": f"{{Missing|Reported missing|Went missing}} from {rng.randint(18, 22)}:00 on "
                             f"{_day(rng, assessed)} and {{found|located|picked up}} by {src()} "
                             f"{{near|at}} {_pick(rng, PLACES)} with {_pick(rng, PEOPLE)}.",
        "vehicles_unknown_adults": f"{{Seen|Spotted|Reported}} getting into a {_pick(rng, CARS)} with "
                                   f"{_pick(rng, PEOPLE)} {{at|near|outside}} {_pick(rng, PLACES)} on "
                                   f"{_day(rng, assessed)} (source: {src()}).",
        "mobile_phone_use": f"{first}'s {_pick(rng, RELATIVES)} {{found|discovered|saw}} a {{second|hidden}} "
                            f"phone on {_day(rng, assessed)} with {{messages|texts|calls}} from "
                            f"{_pick(rng, PEOPLE)} (source: {src()}).",
        "school_exclusion_or_absence": f"Attendance {{fell|dropped}} to {rng.randint(40, 80)}% this "
                                       f"{{term|half term}}; {first} missed {rng.randint(3, 12)} "
                                       f"{{afternoons|lessons|days}} "
                                       f"(source: {src()}, {_day(rng, assessed)}).",
        "unexplained_money_or_items": f"{{New|Expensive|Branded}} {_pick(rng, GOODS)} she "
                                      f"{{cannot|will not|won't|refuses to}} explain, {{seen|noticed}} "
                                      f"{_day(rng, assessed)} by {src()}.",
        "isolated_from_peers": f"Has {{dropped|stopped seeing|lost}} her friends from "
                               f"{_pick(rng, CLUBS)} and "
                               f"{{now only sees|spends her time with}} {_pick(rng, PEOPLE)} "
                               f"(source: {src()}, {_day(rng, assessed)}).",
    }
    undated = {
        "controlling_relationship": f"Calls {_pick(rng, FIRST)} {_pick(rng, LAST)} her boyfriend; he is "
                                    f"{rng.randint(19, 30)} and {{tells her|decides}} who she {{may|can}} "
                                    f"{{see|talk to}} (source: {src()}).",
        "drug_alcohol_misuse": f"{{Drinks|Has been drinking|Is drinking}} {_pick(rng, DRINKS)} with "
                               f"{_pick(rng, PEOPLE)} {{most weekends|at weekends|on Fridays|after school}} "
                               f"{{near|at|by}} {_pick(rng, PLACES)} (source: {src()}).",
        "frequenting_cse_areas": f"{{Spends|Passes}} {{evenings|her nights}} at {_pick(rng, PLACES)} where "
                                 f"{_pick(rng, PEOPLE)} {{hang around|gather|wait}} (source: {src()}).",
    }
    bank = {key: _vary(rng, text) for key, text in bank.items()}
    undated = {key: _vary(rng, text) for key, text in undated.items()}
    answers = {key: ItemAnswer() for key in ITEMS}
    answers.update({key: ItemAnswer(1, bank[key], "dash") for key in rng.sample(sorted(bank), 4)})
    answers.update({key: ItemAnswer(1, undated[key], "dash") for key in rng.sample(sorted(undated), 2)})
    return answers


UNDATED_ITEMS = ("controlling_relationship", "drug_alcohol_misuse", "frequenting_cse_areas")


def _summary(rng: random.Random, first: str, stock: bool) -> tuple[str, ...]:
    worry = _vary(rng, _pick(rng, WORRIES).replace("{people}", _pick(rng, PEOPLE))
                  .replace("{place}", _pick(rng, PLACES)))
    strength = _vary(rng, _pick(rng, STRENGTHS).replace("{relative}", _pick(rng, RELATIVES))
                     .replace("{club}", _pick(rng, CLUBS)))
    opening = _pick(rng, ("I am worried about", "My concern for", "I am concerned about"))
    lines = (f"{opening} {first} is that {worry}.", f"{_pick(rng, HEADINGS)}: {strength}.")
    return ((STOCK,) if stock else ()) + lines


def child_tool(rng: random.Random, assessed: date, stock: bool = False) -> FormSpec:
    """A first tool about a new invented child."""
    first, last = _pick(rng, FIRST), _pick(rng, LAST)
    born = date(2010 + rng.randint(0, 3), rng.randint(1, 12), 9)
    spec = replace(base_spec(), name=f"{first} {last}", dob=born,
                   assessment_date=assessed, date_version_text=f"{assessed:%d/%m/%Y} v1",
                   answers=_answers(rng, first, assessed), summary=_summary(rng, first, stock))
    return with_answers(spec)


def first_name(spec: FormSpec) -> str:
    return spec.name.split()[0]


def record_of(spec: FormSpec) -> Assessment:
    """The record the Word reader returns for ``build_form(spec)`` (checked on a sample)."""
    expected = expected_record(spec)
    items = {}
    for key, item in expected.items.items():
        answer = spec.answer(key)
        entries = [Entry(answer.score, answer.text)] if answer.text else []
        entries += [Entry(score, text) for score, text in answer.more]
        items[key] = ItemEntry(key, item.score, item.rationale, list(item.updates), entries)
    return Assessment(
        file_name="tool.docx", sha256="", kind="docx",
        child=ChildDetails(fields=expected.fields, dob=spec.dob, age=spec.age),
        assessment_date=spec.assessment_date, date_version=spec.date_version(), items=items,
        stated_total=spec.stated_total, stated_category=spec.stated_category, summary=expected.summary,
    )


def history_of(previous: Iterable[Assessment], others: Iterable[tuple[int, Assessment]]) -> History:
    """The history the poll cycle would load: the child's earlier tools, and the fingerprints of
    other children's tools ((child id, record))."""
    return history_from(previous, others, KEY)


def red(text: str, day: date | None) -> RedUpdate:
    """A red-font update, dated or not."""
    return RedUpdate(day, text)

