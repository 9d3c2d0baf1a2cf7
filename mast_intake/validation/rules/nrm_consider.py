"""NRM_CONSIDER: signs of movement or trafficking: consider a National Referral Mechanism referral."""

from __future__ import annotations

import re

from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import Rule
from mast_intake.validation.text import all_texts, excerpt

_PLACES_NOT_MOVEMENT = (
    r"(?!(?:a&e|hospital|the hospital|school|college|home|the police station|custody|court)\b)"
)
# Being moved by others, or named forms of trafficking.
_MOVEMENT = re.compile(
    r"\btraffick\w*|\bcounty lines?\b|\bcuckoo\w*|\bout of (?:the )?(?:area|county|town)\b"
    r"|\b(?:train|bus|coach) tickets?\b"
    r"|\b(?:taken|driven|moved|transported|collected|brought|sent|picked up)\s+(?:to|from|between|across)\s+"
    + _PLACES_NOT_MOVEMENT +
    r"(?:another|other|different|a different|various)?\s*(?:[A-Z][a-z]+|towns?|cit(?:y|ies)|count(?:y|ies)"
    r"|address(?:es)?|houses?|flats?|propert(?:y|ies)|hotels?)",
)
_ALREADY = re.compile(r"\b(?:NRM|national referral mechanism)\b", re.IGNORECASE)


class NrmConsider(Rule):
    """There are signs that the child has been moved or trafficked: consider an NRM referral.

    Trafficking is the movement of a child into exploitation, and children cannot consent to
    being moved. It need not cross a border or a county: it can be from one house to another
    on the same street. Where trafficking is suspected, please consider a National Referral
    Mechanism referral, discussed at the MAST CSE meeting, and share the information with the
    police.

    **Anti-pattern**

        Amy was driven to another city by adults she met online and found in a hotel two days
        later. (no mention of the NRM)

    **Good practice**

        ... found in a hotel two days later. An NRM referral will be discussed at the MAST CSE
        meeting on 12/05/2026; the police have been informed.
    """

    code = "NRM_CONSIDER"
    severity = Severity.ADVICE
    guide = (
        "If a child is a victim of CSE then they most probably will have been trafficked, if we "
        "suspect a child is being trafficked then we should refer the child to the National "
        "Referral Mechanism (NRM)."
    )
    scope = "whole tool"

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        texts = list(all_texts(record))
        if any(_ALREADY.search(text) for _, text in texts):
            return []
        for _, text in texts:
            match = _MOVEMENT.search(text)
            if match:
                return [self.finding(
                    None,
                    "The tool describes the child being moved from place to place by others, which "
                    "can be trafficking. Please consider a National Referral Mechanism (NRM) "
                    "referral and ask for it to be discussed at the MAST CSE meeting.",
                    excerpt(text, match.start(), match.end()),
                )]
        return []
