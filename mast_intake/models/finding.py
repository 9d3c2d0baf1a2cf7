"""A finding: one place where a tool departs from the good practice guide."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    MUST_FIX = "must_fix"
    SHOULD_FIX = "should_fix"
    ADVICE = "advice"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


@dataclass(frozen=True)
class Finding:
    """What a check found: its code, the item it concerns (None for the whole tool), the words."""

    code: str
    item: str | None
    severity: Severity
    message: str
    excerpt: str = ""

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "item": self.item,
            "severity": str(self.severity),
            "message": self.message,
            "excerpt": self.excerpt,
        }
