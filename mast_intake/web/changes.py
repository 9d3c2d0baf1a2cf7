"""What changed between a child's previous tool and this one: scores item by item and the texts."""

from __future__ import annotations

from dataclasses import dataclass

from mast_intake.models.assessment import Assessment
from mast_intake.models.form import ITEMS


@dataclass(frozen=True)
class ItemChange:
    """One item whose score or words differ between the two tools."""

    key: str
    label: str
    before_score: int
    after_score: int
    before_text: str
    after_text: str

    @property
    def change(self) -> str:
        """"Newly scored", "No longer scored", "Score changed" or "Wording changed"."""
        if not self.before_score and self.after_score:
            return "Newly scored"
        if self.before_score and not self.after_score:
            return "No longer scored"
        if self.before_score != self.after_score:
            return "Score changed"
        return "Wording changed"


@dataclass(frozen=True)
class Changes:
    """The previous tool's figures beside this one's, and every item that changed."""

    previous_id: int
    previous_total: int
    previous_band: str
    current_total: int
    current_band: str
    items: tuple[ItemChange, ...]
    previous_summary: str
    current_summary: str

    @property
    def newly_scored(self) -> tuple[ItemChange, ...]:
        return tuple(i for i in self.items if i.change == "Newly scored")

    @property
    def dropped(self) -> tuple[ItemChange, ...]:
        return tuple(i for i in self.items if i.change == "No longer scored")

    @property
    def summary_changed(self) -> bool:
        return self.previous_summary.strip() != self.current_summary.strip()


def compare(previous_id: int, previous: Assessment, current: Assessment) -> Changes:
    """The changes from ``previous`` (submission ``previous_id``) to ``current``."""
    items = []
    for key, spec in ITEMS.items():
        before, after = previous.items.get(key), current.items.get(key)
        before_score = before.counted if before else 0
        after_score = after.counted if after else 0
        before_text = before.rationale.strip() if before else ""
        after_text = after.rationale.strip() if after else ""
        if before_score != after_score or before_text != after_text:
            items.append(ItemChange(key, spec.label, before_score, after_score, before_text, after_text))
    return Changes(previous_id, previous.computed_total, previous.computed_category, current.computed_total,
                   current.computed_category, tuple(items), previous.summary, current.summary)
