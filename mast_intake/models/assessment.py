"""The record of one submitted risk tool, and the rejection given when a file cannot be read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from mast_intake.models.form import ITEMS, Category, band_for


@dataclass(frozen=True)
class Update:
    """A dated update a worker added in red font to a tool they had completed before."""

    date: date | None
    text: str


@dataclass(frozen=True)
class Entry:
    """One scored statement inside an answer cell ("1- John went missing ...")."""

    score: int | None
    text: str


@dataclass
class ItemEntry:
    """One of the 29 risk items as the worker completed it."""

    key: str
    score: int = 0
    rationale: str = ""
    updates: list[Update] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    found: bool = True

    @property
    def section(self) -> str:
        return ITEMS[self.key].section

    @property
    def counted(self) -> int:
        """The points this item adds to the total: one at most, as the guide allows."""
        return 1 if self.score > 0 else 0


@dataclass
class ChildDetails:
    """The 13 detail fields of the form, as written, plus the date of birth and age read from them."""

    fields: dict[str, str] = field(default_factory=dict)
    dob: date | None = None
    age: int | None = None

    @property
    def name(self) -> str | None:
        return self.fields.get("name") or None


@dataclass
class Assessment:
    """A parsed risk tool: everything later steps need, free of I/O."""

    file_name: str
    sha256: str
    kind: str
    child: ChildDetails = field(default_factory=ChildDetails)
    assessment_date: date | None = None
    date_version: str = ""
    items: dict[str, ItemEntry] = field(default_factory=dict)
    stated_total: int | None = None
    stated_total_text: str = ""
    stated_category: Category | None = None
    stated_category_text: str = ""
    summary: str = ""

    @property
    def computed_total(self) -> int:
        return sum(item.counted for item in self.items.values())

    @property
    def computed_category(self) -> Category:
        return band_for(self.computed_total)


@dataclass(frozen=True)
class Rejection:
    """A file that could not be read as a risk tool, with a stable reason and what to do next."""

    file_name: str
    sha256: str
    reason: str
    message: str
