"""What the checks may be told from outside the record: review intervals, the spaCy model, the
council's local acronyms, and the earlier tools the cross-tool checks compare with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from mast_intake.config.settings import Settings
from mast_intake.models.form import Category
from mast_intake.validation.history import History


@dataclass(frozen=True)
class CheckOptions:
    """Options for one run of the checks, built by the caller from the settings."""

    high_weeks: int = 6
    medium_weeks: int = 8
    low_weeks: int = 12
    spacy_model: str = ""
    local_acronyms: frozenset[str] = frozenset()
    # Today's date, for checks that say what is already overdue; None leaves that out.
    today: Callable[[], date] | None = None
    # Earlier tools, loaded by the caller; None turns the cross-tool checks off.
    history: History | None = None

    @classmethod
    def from_settings(cls, settings: Settings, today: Callable[[], date] | None = None) -> CheckOptions:
        review = settings.review
        return cls(review.high_weeks, review.medium_weeks, review.low_weeks, settings.spacy_model,
                   frozenset(word.strip() for word in settings.local_acronyms if word.strip()), today)

    def with_history(self, history: History) -> CheckOptions:
        """These options for one record, with its earlier tools."""
        return replace(self, history=history)

    def review_weeks(self, category: Category) -> int:
        return {"high": self.high_weeks, "medium": self.medium_weeks, "low": self.low_weeks}[category]
