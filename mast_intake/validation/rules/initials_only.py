"""INITIALS_ONLY: a person referred to only by initials."""

from __future__ import annotations

import re

from mast_intake.language.nlp import parse, with_entities
from mast_intake.language.people import initials_in, introduced_initials, may_hold_initials
from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import ITEM_ROW, Rule
from mast_intake.validation.text import all_texts, excerpt


def child_initials(record: Assessment) -> frozenset[str]:
    """The child's own initials and aliases ("Charlie-Jay Ward, goes by CJ" gives CJW, CW, CJ...)."""
    fields = record.child.fields
    found: set[str] = set()
    for written in (fields.get("name", ""), *re.split(r"[;,/]", fields.get("known_as", ""))):
        words = [w for w in re.split(r"[\s\-]+", written) if w[:1].isalpha()]
        if len(words) == 1 and words[0].replace(".", "").isupper():
            found.add(words[0].replace(".", ""))  # an alias written as initials: "KJ"
        letters = "".join(w[0].upper() for w in words)
        if len(letters) >= 2:
            found.update(letters[i:j] for i in range(len(letters)) for j in range(i + 2, len(letters) + 1))
            found.add(letters[0] + letters[-1])
    return frozenset(found)


def introduced_in_record(record: Assessment) -> frozenset[str]:
    """Initials the tool introduces after a full name anywhere ("Dean Hollis (DH)")."""
    texts = [text for _, text in all_texts(record)] + list(record.child.fields.values())
    return frozenset(initials for text in texts for initials in introduced_initials(text))


class InitialsOnly(Rule):
    """A person is referred to only by their initials.

    MAST, the police and other agencies read the tool without knowing the family: initials
    such as "SB" cannot be checked against police or social care records, and the same
    initials can stand for different people. Please write the person's full name and any
    details known, such as a date of birth, age, nickname or description.

    Not read as a person's initials, because they identify nobody new or are not people:
    the child's own initials and any alias given in the details ("Kaiden Jones - known as
    KJ"); initials written straight after the full name they stand for ("Dean Hollis (DH)"),
    anywhere in the tool, or with the full name in the same statement; acronyms of agencies,
    teams, roles and services ("CAMHS", "her 1:1 TA") and shops, brands and phone networks
    ("JD Sports", "TK Maxx", "EE"), from the packaged lists; the council's own acronyms (the
    ``local_acronyms`` setting, e.g. "NYC", "NYP"); vehicle registrations, whole or in part
    ("reg ending KVT"); postcodes; and words in a sentence written in capitals.

    **Anti-pattern**

        1- Amy went missing last week and was seen at the skate park with SB.

    **Good practice**

        1- Amy went missing on 3 May at 21:00 and was found at the skate park with
        Sophie Barker (DOB 14/02/2007).
    """

    code = "INITIALS_ONLY"
    position = 10
    severity = Severity.SHOULD_FIX
    guide = (
        "Avoid the use of initials and do not assume that people will know who you are "
        "referring to."
    )
    scope = "item or whole tool"
    anchor = ITEM_ROW
    prompts = frozenset()
    short_fix = "Write the person's full name, not initials."

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        known = child_initials(record) | introduced_in_record(record) | options.local_acronyms
        found: dict[str | None, list] = {}
        for key, text in all_texts(record):
            if may_hold_initials(text):
                doc = with_entities(parse(text, options.spacy_model), options.spacy_model)
                found.setdefault(key, []).extend(initials_in(doc, known))
        findings = []
        for key, initials in found.items():
            if not initials:
                continue
            written = ", ".join(dict.fromkeys(f'"{i.text}"' for i in initials))
            first = initials[0]
            start = first.sentence.find(first.text)
            findings.append(self.finding(
                key,
                f"{written} looks like a person's initials. Please write their full name and any "
                "details known (date of birth, age, nickname or description), so that everyone "
                "reading the tool knows who this is.",
                excerpt(first.sentence, start, start + len(first.text)),
            ))
        return findings
