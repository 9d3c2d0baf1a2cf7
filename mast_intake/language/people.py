"""People in free text: initials standing in for a name, and whether a person is named or described."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from mast_intake.language.nlp import ACRONYM, VEHICLE_REG, acronyms

_INITIALS = re.compile(r"^(?:[A-Z]{2,3}|(?:[A-Z]\.){2,3}|[A-Z]\.[A-Z])$")
# The same shapes inside running text: a cheap first look before the text is parsed.
_INITIALS_IN_TEXT = re.compile(r"(?<![\w&.])(?:[A-Z]{2,3}|(?:[A-Z]\.){2,3}|[A-Z]\.[A-Z])(?![\w&])")
_KNOWN = acronyms()
_CAPITALISED = re.compile(r"^[A-Z][a-z'\u2019-]+$")
_NOT_NAMES = frozenset(calendar.month_name[1:]) | frozenset(calendar.day_name) | {"I"}
# Described well enough to know who is meant: age, looks, car, where they live, a nickname...
_DESCRIPTION = re.compile(
    r"\b(?:d\.?o\.?b|born|aged?|years? old|in (?:his|her|their) (?:teens|twenties|thirties|forties|fifties)"
    r"|believed to be|described as|known as|calls? himself|calls? herself|called|named|nicknamed"
    r"|drives?|driving|lives?|living|works? (?:at|as|in)|tall|short|hair|beard|tattoo|wears?)\b",
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


def initials_in(doc: Doc, known_initials: frozenset[str] = frozenset()) -> list[Initials]:
    """Initials used for a person whose full name is not written in the same text.

    Acronyms common in safeguarding records, vehicle registrations, words written in capitals and
    ``known_initials`` (the child, whose name is on the form) are not initials.
    """
    named = full_names(doc) | set(known_initials)
    found: list[Initials] = []
    for token in doc:
        if not _INITIALS.match(token.text) or token.ent_type_ in (ACRONYM, VEHICLE_REG):
            continue
        letters = _letters(token.text)
        if letters in _KNOWN or token.is_stop or letters in named or _shouted(token.sent):
            continue
        found.append(Initials(token.text, letters, token.sent.text.strip()))
    return found


def is_named_or_described(sentence: Span, child_names: frozenset[str]) -> bool:
    """True when the sentence names someone other than the child, or describes them."""
    if _DESCRIPTION.search(sentence.text) or any(e.label_ == "PERSON" for e in sentence.ents):
        return True
    return any(
        _CAPITALISED.match(t.text) and t.i != sentence.start and t.text not in child_names
        and t.text not in _NOT_NAMES
        for t in sentence
    )
