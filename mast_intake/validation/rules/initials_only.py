"""INITIALS_ONLY: a person referred to only by initials."""

from __future__ import annotations

from mast_intake.language.nlp import parse, with_entities
from mast_intake.language.people import initials_in, may_hold_initials
from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import Rule
from mast_intake.validation.text import all_texts, excerpt


def child_initials(record: Assessment) -> frozenset[str]:
    """The child's own initials ("Mia Harper" gives MH), which identify nobody new."""
    words = [w for w in (record.child.name or "").replace("-", " ").split() if w[:1].isalpha()]
    if len(words) < 2:
        return frozenset()
    letters = "".join(w[0].upper() for w in words)
    return frozenset({letters, letters[0] + letters[-1]})


class InitialsOnly(Rule):
    """A person is referred to only by their initials.

    MAST, the police and other agencies read the tool without knowing the family: initials
    such as "SB" cannot be checked against police or social care records, and the same
    initials can stand for different people. Please write the person's full name and any
    details known, such as a date of birth, age, nickname or description. Initials are fine
    once the full name has been written in the same statement, and common acronyms (CSE,
    DSL, PCSO, A&E) and vehicle registrations are not read as initials.

    **Anti-pattern**

        1- Amy went missing last week and was seen at the skate park with SB.

    **Good practice**

        1- Amy went missing on 3 May at 21:00 and was found at the skate park with
        Sophie Barker (DOB 14/02/2007).
    """

    code = "INITIALS_ONLY"
    severity = Severity.SHOULD_FIX
    guide = (
        "Avoid the use of initials and do not assume that people will know who you are "
        "referring to."
    )
    scope = "item or whole tool"

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        known = child_initials(record)
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
