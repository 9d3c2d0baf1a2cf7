"""The shape every check has: a stable code, a severity, the guide's sentence and a pure check."""

from __future__ import annotations

import inspect
from typing import ClassVar

from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.options import CheckOptions


class Rule:
    """Base class of the checks.

    A rule's docstring is its documentation: the first line is the one-line summary, the rest
    the explanation with an anti-pattern and a good practice example, as the worker reads them.
    """

    code: ClassVar[str]
    severity: ClassVar[Severity]
    guide: ClassVar[str]
    scope: ClassVar[str] = "item"  # what a finding is about: "item", "whole tool" or both

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

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        raise NotImplementedError

    def finding(self, item: str | None, message: str, excerpt: str = "") -> Finding:
        return Finding(self.code, item, self.severity, message, excerpt)
