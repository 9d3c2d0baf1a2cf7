"""A child's tools in order, which one came before, and the trend between them.

"Previous tool" is the child's latest earlier tool, whatever meeting it went to and whoever sent
it. The only tools left out are ones this tool corrects: an earlier copy of the *same*
assessment (same assessment date) that this tool replaced after feedback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol

Direction = Literal["up", "down", "same"]


class ToolLike(Protocol):
    """What the rules read of a stored tool (the submission row satisfies it)."""

    id: int | None
    status: str
    assessment_date: date | None
    received_at: datetime
    replaces_submission_id: int | None
    computed_total: int | None
    computed_category: str | None


def history_order(tool: ToolLike) -> tuple:
    """Sort key for a child's assessments: by assessment date, undated last, then arrival."""
    return (tool.assessment_date is None, tool.assessment_date or date.min, tool.received_at, tool.id or 0)


def choose_previous(tool: ToolLike, history: Iterable[ToolLike]) -> ToolLike | None:
    """The child's latest tool before ``tool``, leaving out earlier copies of the same assessment."""
    parsed = [t for t in history if t.status == "parsed"]
    by_id = {t.id: t for t in parsed}
    corrected: set[int | None] = set()
    current = tool.replaces_submission_id
    while current is not None and current not in corrected and current in by_id:
        if by_id[current].assessment_date != tool.assessment_date:
            break
        corrected.add(current)
        current = by_id[current].replaces_submission_id
    earlier = [t for t in parsed if t.id != tool.id and t.id not in corrected
               and history_order(t) < history_order(tool)]
    return max(earlier, key=history_order, default=None)


@dataclass(frozen=True)
class Trend:
    """How a tool's recounted score and band compare with the previous tool's."""

    direction: Direction
    previous_total: int
    current_total: int
    previous_band: str | None
    current_band: str | None
    previous_date: date | None
    days_between: int | None

    @property
    def text(self) -> str:
        """One line for every output: "Up from 9 (low) to 14 (medium), 42 days after the previous tool"."""
        def scored(total: int, band: str | None) -> str:
            return f"{total} ({band})" if band else str(total)

        before, now = scored(self.previous_total, self.previous_band), scored(self.current_total,
                                                                              self.current_band)
        if self.direction == "same":
            words = f"No change: {now}, as before"
        else:
            words = f"{'Up' if self.direction == 'up' else 'Down'} from {before} to {now}"
        if self.previous_date is not None and self.days_between is not None:
            words += f"; previous tool {self.previous_date.isoformat()}, {self.days_between} days earlier"
        return words

    def to_dict(self) -> dict:
        """The trend for JSON output."""
        return {"direction": self.direction, "previous_total": self.previous_total,
                "current_total": self.current_total, "previous_band": self.previous_band,
                "current_band": self.current_band,
                "previous_date": self.previous_date.isoformat() if self.previous_date else None,
                "days_between": self.days_between, "text": self.text}


def compare(previous: ToolLike | None, current_total: int, current_band: str | None,
            current_date: date | None) -> Trend | None:
    """The trend from ``previous`` to the current tool; None when there is no previous tool."""
    if previous is None or previous.computed_total is None:
        return None
    before = previous.computed_total
    direction: Direction = "up" if current_total > before else "down" if current_total < before else "same"
    days = (current_date - previous.assessment_date).days \
        if current_date is not None and previous.assessment_date is not None else None
    return Trend(direction, before, current_total, previous.computed_category, current_band,
                 previous.assessment_date, days)
