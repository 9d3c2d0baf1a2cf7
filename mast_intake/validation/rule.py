"""The shape every check has: a stable code, a severity, the guide's sentence and a pure check.

A rule carries everything about itself: its documentation (the docstring), where its comment
sits on the worker's form (``anchor``), the agenda prompts it raises (``prompts``) and what the
reply tells the worker to do (``short_fix``, and the longer ``full_fix`` from its docstring).
The reply, the review copy and the agenda read these through the catalogue, so adding a check
is one module here plus its cases in ``tests/unit/validation/cases/``.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.options import CheckOptions


class Prompt(StrEnum):
    """A question a finding puts to MAST on the agenda (the agenda's flag of the same name)."""

    CONSIDER_NRM = "consider_nrm"
    OVER_18 = "over_18"
    LEAVING_CARE = "leaving_care"


@dataclass(frozen=True)
class Anchor:
    """Where on the worker's form a rule's findings sit.

    A finding that names an item is always put on that item's row; the anchor says where a
    finding about the whole tool goes.

    Attributes:
        place: The part of the form, named as the worker looks for it ("Risk assessment score");
            the reply shows it in place of an item label. "" when the rule's findings name
            their item.
        boxes: The review copy's boxes to look in for the quoted words and then to comment on,
            in order, before the summary, which always comes last: "name", "age_dob",
            "date_version", "stated_total", "stated_category".
    """

    place: str = ""
    boxes: tuple[str, ...] = ()


ITEM_ROW = Anchor()
"""The anchor of a rule whose findings name their item; one that names none goes on the summary."""


class Rule:
    """Base class of the checks.

    A rule's docstring is its documentation: the first line is the one-line summary, the rest
    the explanation with an anti-pattern and a good practice example, as the worker reads them.
    Every rule declares in its own class body:

    - ``code``, ``severity``, ``guide`` (the guide's own sentence) and ``scope``;
    - ``position``: where it stands in the catalogue, the README table and among findings
      (lower first; the rules are found by module, so the order is the rule's to say);
    - ``anchor``: where its comment goes on the form (``ITEM_ROW`` or an ``Anchor``);
    - ``prompts``: the agenda prompts its findings raise (empty when none);
    - ``short_fix``: what to do, in one plain sentence, for the reply.
    """

    code: ClassVar[str]
    position: ClassVar[int]
    severity: ClassVar[Severity]
    guide: ClassVar[str]
    scope: ClassVar[str] = "item"  # what a finding is about: "item", "whole tool" or both
    anchor: ClassVar[Anchor]
    prompts: ClassVar[frozenset[Prompt]]
    short_fix: ClassVar[str]
    informs_only: ClassVar[bool] = False  # a finding that only informs has nothing to put right

    @classmethod
    def summary(cls) -> str:
        return (inspect.getdoc(cls) or "").splitlines()[0].strip()

    @classmethod
    def explanation(cls) -> str:
        return (inspect.getdoc(cls) or "").partition("\n")[2].strip()

    @classmethod
    def how_to_fix(cls) -> str:
        """The explanation without its examples, as one paragraph for a reply."""
        advice = cls.explanation().split("**Anti-pattern**", 1)[0]
        return " ".join(advice.split())

    @classmethod
    def good_example(cls) -> str:
        """The good practice example, as the worker might write it."""
        _, marker, example = cls.explanation().partition("**Good practice**")
        return " ".join(example.split()) if marker else ""

    @classmethod
    def full_fix(cls) -> str:
        """How to put it right and the good practice example, as one paragraph ("" when informing only)."""
        if cls.informs_only:
            return ""
        how = cls.how_to_fix()
        example = cls.good_example()
        return f"{how} For example: {example}" if example else how

    def short_fix_for(self, record: Assessment, review_sentence: str) -> str:
        """The short fix as the reply to ``record`` words it (``review_sentence``: its review date, or "")."""
        return self.short_fix

    def comment_message(self, message: str, review_sentence: str) -> str:
        """A finding's words in the review copy's comment: the finding's own message by default."""
        return message

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        raise NotImplementedError

    def finding(self, item: str | None, message: str, excerpt: str = "") -> Finding:
        return Finding(self.code, item, self.severity, message, excerpt)
