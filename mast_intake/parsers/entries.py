"""Read an answer cell: the score as written, the scored statements, the red-font updates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mast_intake.language.dates import find_dates
from mast_intake.models.assessment import Entry, Update
from mast_intake.parsers.layout import Cell

# "1", "1 -", "1-", "0 No concerns", "Score 1:", "Score: 1", "1." — a lone 0 or 1 at the start of
# a statement, or any digit after the word "Score". "10 visits" and "1.5 hours" are not scores.
_MARKER = re.compile(
    r"^\s*(?:score\s*[:=]?\s*(?P<scored>\d)|(?P<bare>[01]))(?!\d)"
    r"\s*(?:[-\u2013\u2014:)]|\.(?!\d)|(?=\s)|$)\s*",
    re.IGNORECASE,
)
_SCORE_ONLY = re.compile(r"^\s*(?:score\s*[:=]?\s*)?(\d{1,2})\s*[-\u2013\u2014:.]?\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?;)\]]\s*$")
_UPDATE_PREFIX = re.compile(r"^\s*(?:update[ds]?\b)?\s*[:\-\u2013(]?\s*", re.IGNORECASE)


@dataclass
class Answer:
    """What one item's answer cells say."""

    score: int = 0
    entries: list[Entry] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)

    @property
    def rationale(self) -> str:
        return "\n".join(entry.text for entry in self.entries if entry.text).strip()


def score_marker(text: str) -> tuple[int | None, str]:
    """The score a statement starts with, if any, and the statement without it."""
    match = _MARKER.match(text)
    if not match:
        return None, text.strip()
    value = match.group("scored") or match.group("bare")
    return int(value), text[match.end():].strip()


def score_only(text: str) -> int | None:
    """The number in a cell that holds only a score ("1", "Score 1", "0 -"), else None."""
    match = _SCORE_ONLY.match(text)
    return int(match.group(1)) if match else None


def _update(text: str) -> Update:
    mentions = [m for m in find_dates(text) if m.precision == "day"]
    if not mentions:
        return Update(None, text.strip())
    first = mentions[0]
    before = text[: first.start]
    # "Update 15/11/2026: text" keeps just the text; a date inside the sentence stays put.
    rest = text[first.end:].lstrip(" )]:-\u2013\u2014,.") if _UPDATE_PREFIX.fullmatch(before) else text
    return Update(first.value, rest.strip())


def _split_lines(cells: list[Cell]) -> tuple[list[str], list[str]]:
    """Plain lines and red-font update texts."""
    lines: list[str] = []
    updates: list[str] = []
    for cell in cells:
        for para in cell.paras:
            plain = "".join(s.text for s in para.segments if not s.red)
            red = "".join(s.text for s in para.segments if s.red).strip()
            lines.extend(line.strip() for line in plain.split("\n") if line.strip())
            if red:
                updates.append(red)
    return lines, updates


def read_answer(cells: list[Cell], wrapped: bool = False) -> Answer:
    """Read one item's answer from its cells (a score cell first when the layout has one).

    ``wrapped`` says the lines are a PDF's wrapped lines rather than Word paragraphs, so a new
    statement starts only where the previous line ended a sentence.
    """
    answer = Answer()
    stated: int | None = None
    if len(cells) >= 2 and (not cells[0].text or score_only(cells[0].text) is not None):
        stated = score_only(cells[0].text) if cells[0].text else None
        cells = cells[1:]
    elif len(cells) >= 2 and cells[-1].text and score_only(cells[-1].text) is not None:
        # A separate Score column on the right of the rationale.
        stated = score_only(cells[-1].text)
        cells = cells[:-1]
    lines, red_texts = _split_lines(cells)
    previous_ended = True
    for text in lines:
        score, rest = score_marker(text)
        if score is not None and (not wrapped or previous_ended or not answer.entries):
            answer.entries.append(Entry(score, rest))
        elif answer.entries:
            last = answer.entries[-1]
            # A PDF line that ends in a hyphen broke a word or a date ("07-" / "06-1996").
            joiner = ("" if last.text.endswith("-") else " ") if wrapped else "\n"
            answer.entries[-1] = Entry(last.score, f"{last.text}{joiner}{text}".strip())
        else:
            answer.entries.append(Entry(None, text))
        previous_ended = bool(_SENTENCE_END.search(text))
    for text in red_texts:
        update = _update(text)
        if update.date is None and answer.updates:
            earlier = answer.updates[-1]
            answer.updates[-1] = Update(earlier.date, f"{earlier.text}\n{update.text}")
        else:
            answer.updates.append(update)
    written = sum(entry.score or 0 for entry in answer.entries)
    if stated is not None:
        answer.score = max(stated, written if written > 1 else 0)
    elif any(entry.score is not None for entry in answer.entries):
        answer.score = written
    else:
        answer.score = _update_score(answer.updates)
    return answer


def _update_score(updates: list[Update]) -> int:
    """A score given only in a red update (an item first scored when the tool was updated)."""
    for update in reversed(updates):
        score, _ = score_marker(update.text)
        if score is not None:
            return score
    return 0
