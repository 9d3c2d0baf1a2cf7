"""People in free text: initials standing in for a name, and whether a person is named or described."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from mast_intake.language.nlp import ACRONYM, POSTCODE, VEHICLE_REG, acronyms, brands
from mast_intake.language.specifics import PLATFORMS, VEHICLES

_INITIALS = re.compile(r"^(?:[A-Z]{2,3}|(?:[A-Z]\.){2,3}|[A-Z]\.[A-Z])$")
# The same shapes inside running text: a cheap first look before the text is parsed.
_INITIALS_IN_TEXT = re.compile(r"(?<![\w&.])(?:[A-Z]{2,3}|(?:[A-Z]\.){2,3}|[A-Z]\.[A-Z])(?![\w&])")
_KNOWN = acronyms() | frozenset(name for name in brands() if " " not in name)
_NOT_A_PERSON = (ACRONYM, VEHICLE_REG, POSTCODE)
# Words near a partial number plate: "reg ending KVT", "the end of the plate: RWU".
_PLATE_WORDS = frozenset(
    "reg regs registration registrations plate plates numberplate index vrm vrn".split()
)
_PLATE_WINDOW = 5
# "Dean Hollis (DH)", "Dean Hollis ('DH')", "Dean Hollis, known as DH", "Dean Hollis - DH":
# the initials stand for the name just written, for the rest of the tool.
_INTRODUCED = re.compile(
    r"(?P<name>(?:[A-Z][a-z'\u2019-]+\s+){1,3}[A-Z][a-z'\u2019-]+)\s*"
    r"(?:\(\s*[\"'\u201c\u2018]?|,?\s*(?:known as|aka|a\.k\.a\.?|hereafter|referred to as)\s+"
    r"[\"'\u201c\u2018]?|[\u2013\u2014-]\s*)"
    r"(?P<initials>[A-Z](?:\.?[A-Z]){1,2}\.?)(?![\w])"
)
_CAPITALISED = re.compile(r"^[A-Z][a-z'\u2019-]+$")
_NOT_NAMES = frozenset(calendar.month_name[1:]) | frozenset(calendar.day_name) | {"I"}
# Described well enough to know who is meant: age, looks, car, where they live, a nickname...
_DESCRIPTION = re.compile(
    r"\b(?:d\.?o\.?b|born|aged?|years? old|in (?:his|her|their) (?:teens|twenties|thirties|forties|fifties)"
    r"|believed to be|described as|known as|calls? himself|calls? herself|called|named|nicknamed"
    r"|drives?|driving|lives?|living|works? (?:at|as|in)|tall|short|hair|beard|tattoo|wears|wearing)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Initials:
    """Initials found in a text, as written, and the sentence they stand in."""

    text: str
    letters: str
    sentence: str


def _letters(token_text: str) -> str:
    return token_text.replace(".", "")


def _shouted(sentence: Span) -> bool:
    """A sentence written mostly in capitals (a heading, emphasis): its words are not initials."""
    words = [t for t in sentence if t.is_alpha and len(t) > 1]
    return len(words) >= 4 and sum(t.is_upper for t in words) * 2 > len(words)


def may_hold_initials(text: str) -> bool:
    """True when ``text`` has a capitalised short word that is not a known acronym."""
    return any(m.group(0).replace(".", "") not in _KNOWN for m in _INITIALS_IN_TEXT.finditer(text))


def full_names(doc: Doc) -> set[str]:
    """The initials of every run of two or more capitalised words ("Sarah Brent" gives "SB")."""
    found: set[str] = set()
    run: list[Token] = []
    for token in [*doc, None]:
        if token is not None and _CAPITALISED.match(token.text):
            run.append(token)
            continue
        if len(run) >= 2:
            letters = "".join(t.text[0] for t in run)
            # "Sarah Jane Brent" may be written SJB or SB; "Youth Offending Team" defines YOT.
            found.update({letters, letters[0] + letters[-1]})
            found.update(letters[i:j] for i in range(len(letters)) for j in range(i + 2, len(letters) + 1))
        run = []
    return found


def introduced_initials(text: str) -> set[str]:
    """Initials that ``text`` introduces right after a full name ("Dean Hollis (DH)")."""
    found = set()
    for match in _INTRODUCED.finditer(text):
        letters = _letters(match.group("initials"))
        words = match.group("name").split()
        # "Boyfriend Dean Hollis (DH)": the name may start after a capitalised first word.
        if letters[-1] == words[-1][0] and any(w[0] == letters[0] for w in words[:-1]):
            found.add(letters)
    return found


def _near_plate_word(token: Token) -> bool:
    """True when a number-plate word is within a few tokens: a partial registration."""
    doc = token.doc
    before = [t for t in doc[max(0, token.i - 3 * _PLATE_WINDOW): token.i] if not t.is_punct]
    after = [t for t in doc[token.i + 1: token.i + 3 * _PLATE_WINDOW] if not t.is_punct]
    window = before[-_PLATE_WINDOW:] + after[:_PLATE_WINDOW]
    return any(t.lower_.rstrip(".:") in _PLATE_WORDS for t in window)


def initials_in(doc: Doc, known_initials: frozenset[str] = frozenset()) -> list[Initials]:
    """Initials used for a person whose full name is not written in the same text.

    Acronyms, brands and shops (the packaged lists), vehicle registrations whole or partial,
    postcodes, words written in capitals and ``known_initials`` (the child's names and aliases,
    local acronyms, initials the tool introduced after a full name) are not initials.
    """
    named = full_names(doc) | set(known_initials)
    found: list[Initials] = []
    for token in doc:
        if not _INITIALS.match(token.text) or token.ent_type_ in _NOT_A_PERSON:
            continue
        letters = _letters(token.text)
        if letters in _KNOWN or token.is_stop or letters in named or _shouted(token.sent):
            continue
        if _near_plate_word(token):
            continue
        found.append(Initials(token.text, letters, token.sent.text.strip()))
    return found


def is_named_or_described(sentence: Span, child_names: frozenset[str]) -> bool:
    """True when the sentence names someone other than the child, or describes them."""
    if _DESCRIPTION.search(sentence.text) or any(e.label_ == "PERSON" for e in sentence.ents):
        return True
    if any(t.lower_ in VEHICLES for t in sentence) or "plate" in sentence.text.lower():
        return True  # "an older male in a white BMW with a private plate" can be traced
    return any(
        _CAPITALISED.match(t.text) and t.i != sentence.start and t.text not in child_names
        and t.text not in _NOT_NAMES and t.lower_ not in PLATFORMS
        and t.doc[t.i - 1].lower_ != "the"  # "outside the Co-op" is a place
        for t in sentence
    )
