"""The partnership report computed from plain facts about each tool (no I/O).

Definitions (the README's "Partnership report" says the same for readers):

- a tool is counted in the period when it was received in it (UTC dates, both ends included);
- a child is identified in the period when a tool about them was received in it: **new** when
  their first tool ever was received in the period, else a **review**; a child's sex, age band,
  area/team and level are taken from their latest tool in the period;
- the level is MAST's decision (the latest, corrections included), else "awaiting decision";
- the time from receipt to decision is from a tool's arrival to MAST's first decision on it, in
  days; the 90th percentile is the nearest-rank one;
- NRM referrals and Tier 1 count the period's tools whose latest decision says so;
- findings per tool: by month of receipt and check code, findings divided by tools.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from mast_intake.domain.enums import NrmOutcome

AWAITING = "awaiting decision"
NOT_RECORDED = "not recorded"
SEXES = ("female", "male", "other", NOT_RECORDED)
AGE_BANDS = ("under 10", "10-12", "13-15", "16-17", "18 and over", NOT_RECORDED)
LEVELS = ("high", "medium", "low", AWAITING)
_FEMALE = frozenset({"female", "f", "girl", "woman"})
_MALE = frozenset({"male", "m", "boy", "man"})


def sex_of(gender: str) -> str:
    """The gender field as written, as one of :data:`SEXES`."""
    text = " ".join(gender.lower().replace(".", " ").split())
    if not text:
        return NOT_RECORDED
    return "female" if text in _FEMALE else "male" if text in _MALE else "other"


def age_band(dob: date | None, on: date) -> str:
    """The age band of a child born on ``dob`` on the day ``on``."""
    if dob is None:
        return NOT_RECORDED
    age = on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
    if age < 10:
        return "under 10"
    for band, top in (("10-12", 12), ("13-15", 15), ("16-17", 17)):
        if age <= top:
            return band
    return "18 and over"


def team_of(sender: str) -> str:
    """The area/team a tool came from: the sender's organisation (their address's domain)."""
    return sender.rpartition("@")[2].lower() or NOT_RECORDED


def nearest_rank(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.9 for the 90th) of non-empty ``values``."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass(frozen=True)
class ToolFacts:
    """What the report needs to know about one tool received in the period."""

    submission_id: int
    received_at: datetime
    child_id: int | None
    first_of_child: bool  # no earlier tool about this child
    sex: str
    age_band: str
    team: str
    level: str  # the latest decision's level, or AWAITING
    decided_at: datetime | None  # the first decision's time
    nrm: str | None  # the latest decision's answer
    tier1: bool
    finding_codes: tuple[str, ...]


@dataclass(frozen=True)
class MonthFindings:
    """One month's tools and their findings by check code."""

    month: str  # YYYY-MM
    tools: int
    by_code: dict[str, int]

    def per_tool(self, code: str) -> float:
        return self.by_code.get(code, 0) / self.tools if self.tools else 0.0


@dataclass(frozen=True)
class Report:
    """The partnership's figures for one period."""

    start: date
    end: date
    tools_received: int
    children: int
    new_children: int
    review_children: int
    by_sex: dict[str, int]
    by_age_band: dict[str, int]
    by_team: dict[str, int]
    by_level: dict[str, int]
    decided_tools: int
    median_days: float | None
    p90_days: float | None
    reviews_overdue: int
    nrm_referrals: int
    tier1: int
    months: list[MonthFindings] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        """Every check code with a finding in the period, most frequent first."""
        totals: Counter = Counter()
        for month in self.months:
            totals.update(month.by_code)
        return [code for code, _ in sorted(totals.items(), key=lambda pair: (-pair[1], pair[0]))]


def _ordered(counts: Counter, order: tuple[str, ...] = ()) -> dict[str, int]:
    known = {key: counts.get(key, 0) for key in order}
    rest = {key: counts[key] for key in sorted(counts) if key not in known}
    return {**known, **rest}


def compute(start: date, end: date, tools: list[ToolFacts], reviews_overdue: int) -> Report:
    """The report for the tools received from ``start`` to ``end``."""
    latest: dict[int, ToolFacts] = {}
    new: set[int] = set()
    for tool in tools:
        if tool.child_id is None:
            continue
        current = latest.get(tool.child_id)
        order = (tool.received_at, tool.submission_id)
        if current is None or order > (current.received_at, current.submission_id):
            latest[tool.child_id] = tool
        if tool.first_of_child:
            new.add(tool.child_id)
    children = list(latest.values())
    days = [(t.decided_at - t.received_at).total_seconds() / 86400 for t in tools if t.decided_at]
    months: dict[str, tuple[int, Counter]] = {}
    for tool in tools:
        key = f"{tool.received_at:%Y-%m}"
        count, codes = months.get(key, (0, Counter()))
        codes.update(tool.finding_codes)
        months[key] = (count + 1, codes)
    return Report(
        start=start, end=end, tools_received=len(tools), children=len(children),
        new_children=len(new), review_children=len(children) - len(new),
        by_sex=_ordered(Counter(t.sex for t in children), SEXES),
        by_age_band=_ordered(Counter(t.age_band for t in children), AGE_BANDS),
        by_team=_ordered(Counter(t.team for t in children)),
        by_level=_ordered(Counter(t.level for t in children), LEVELS),
        decided_tools=len(days),
        median_days=statistics.median(days) if days else None,
        p90_days=nearest_rank(days, 0.9) if days else None,
        reviews_overdue=reviews_overdue,
        nrm_referrals=sum(1 for t in tools if t.nrm and NrmOutcome.from_stored(t.nrm) is NrmOutcome.REFERRED),
        tier1=sum(1 for t in tools if t.tier1),
        months=[MonthFindings(m, n, dict(c)) for m, (n, c) in sorted(months.items())],
    )
