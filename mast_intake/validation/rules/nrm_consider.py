"""NRM_CONSIDER: signs of movement or trafficking: consider a National Referral Mechanism referral."""

from __future__ import annotations

import calendar
import re

from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import Anchor, Prompt, Rule
from mast_intake.validation.text import all_texts, excerpt

_PLACES_NOT_MOVEMENT = (
    r"(?!(?:a&e|hospital|the hospital|school|college|home|the police station|custody|court)\b)"
)
# Being moved by others, or named forms of trafficking.
_MOVEMENT = re.compile(
    r"\btraffick\w*|\bcounty lines?\b|\bcuckoo\w*|\bout of (?:the )?(?:area|county|town)\b"
    r"|\b(?:train|bus|coach) tickets?\b"
    r"|\b(?:taken|took|driven|drove|moved|transported|collected|brought|sent|picked)"
    r"(?:\s+(?:her|him|them))?(?:\s+(?:up|down|over|back))?"
    r"\s+(?:to|from|between|across)\s+(?:(?:a|an|the)\s+)?"
    + _PLACES_NOT_MOVEMENT +
    r"(?:another|other|different|a different|various)?\s*(?:[A-Z][a-z]+|towns?|cit(?:y|ies)|count(?:y|ies)"
    r"|address(?:es)?|houses?|flats?|propert(?:y|ies)|hotels?)"
    # Carrying or delivering from one named place to another: "a package from Middlesbrough to York".
    r"|\b(?:carry\w*|deliver\w*|dropp?\w*|run\w*|transport\w*|moving)\b[^.;]{0,40}?"
    r"\bfrom\s+[A-Z][a-z]+\s+to\s+[A-Z][a-z]+",
)
# Found somewhere: movement when the town is not in the child's own address.
_FOUND_IN = re.compile(r"\b(?:found|located|traced|recovered)\s+(?:in|at)\s+(?P<town>[A-Z][a-z]{2,})")
_NOT_TOWNS = frozenset({"The", "His", "Her", "Their", "School", "Home", "Hospital", *calendar.month_name[1:],
                        *calendar.day_name})
_ALREADY = re.compile(r"\b(?:NRM|national referral mechanism)\b", re.IGNORECASE)


# Family, carers and professionals taking the child somewhere is not trafficking.
_FAMILY_BEFORE = re.compile(
    r"\b(?:mum|mam|mother|dad|father|nan|gran|grandma|grandad|aunt|auntie|uncle|carers?|foster|"
    r"teacher|school|police|ambulance|social worker|sister|brother|family)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)


_MOVING_VERBS = frozenset("taken took driven drove moved transported collected brought sent picked".split())


def _movement(text: str) -> re.Match | None:
    """The first sign of the child being moved by others (not by family or professionals)."""
    for match in _MOVEMENT.finditer(text):
        moved_by = match.group(0).split()[0].lower() in _MOVING_VERBS
        if not (moved_by and _FAMILY_BEFORE.search(text[: match.start()])):
            return match
    return None


def _found_away(text: str, address: str) -> re.Match | None:
    """The child found in a town that is not in their address (only known with an address)."""
    if not address:
        return None
    for match in _FOUND_IN.finditer(text):
        town = match.group("town")
        if town not in _NOT_TOWNS and town.lower() not in address:
            return match
    return None


class NrmConsider(Rule):
    """There are signs that the child has been moved or trafficked: consider an NRM referral.

    Trafficking is the movement of a child into exploitation, and children cannot consent to
    being moved. It need not cross a border or a county: it can be from one house to another
    on the same street. Where trafficking is suspected, please consider a National Referral
    Mechanism referral, discussed at the MAST CSE meeting, and share the information with the
    police. Signs read: trafficking, county lines and cuckooing named; being taken, driven,
    picked up or sent to or from another place, address or hotel; carrying things from one
    town to another; travel tickets; being found in a town that is not in the child's address.

    **Anti-pattern**

        Amy was driven to another city by adults she met online and found in a hotel two days
        later. (no mention of the NRM)

    **Good practice**

        ... found in a hotel two days later. An NRM referral will be discussed at the MAST CSE
        meeting on 12/05/2026; the police have been informed.
    """

    code = "NRM_CONSIDER"
    position = 150
    severity = Severity.ADVICE
    guide = (
        "If a child is a victim of CSE then they most probably will have been trafficked, if we "
        "suspect a child is being trafficked then we should refer the child to the National "
        "Referral Mechanism (NRM)."
    )
    scope = "whole tool"
    anchor = Anchor("Moved or trafficked")
    prompts = frozenset({Prompt.CONSIDER_NRM})
    short_fix = "Think about a referral to the NRM, as the child may have been moved to be abused."

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        texts = list(all_texts(record))
        if any(_ALREADY.search(text) for _, text in texts):
            return []
        address = record.child.fields.get("address", "").lower()
        for _, text in texts:
            match = _movement(text) or _found_away(text, address)
            if match:
                return [self.finding(
                    None,
                    "The tool describes the child being moved from place to place by others, which "
                    "can be trafficking. Please consider a National Referral Mechanism (NRM) "
                    "referral and ask for it to be discussed at the MAST CSE meeting.",
                    excerpt(text, match.start(), match.end()),
                )]
        return []
