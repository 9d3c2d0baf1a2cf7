"""How well a check does on labelled cases: counts of true and false findings per code."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Tally:
    """Counts of true and false findings for one code."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    cases: int = 0
    traps: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 1.0


@dataclass
class Evaluation:
    """Per-code tallies over a corpus, and the cases that went wrong."""

    tallies: dict[str, Tally] = field(default_factory=dict)
    wrong: list[tuple[str, list[str], list[str]]] = field(default_factory=list)
