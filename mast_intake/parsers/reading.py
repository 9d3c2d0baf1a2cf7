"""Read the form's labels and answers from a document's blocks, noting where each was found.

A label cell's answer is the cells after it in the same row, up to the next label: that one
rule reads the two-column layout, the first section's paired four-column rows, a separate Score
column and the details table in either layout. A label cell merged down over several rows
(the same Cell object again) gathers the answers of every row it spans.

:func:`read_form` is the reader's one pass over the blocks. ``parsers.extract`` turns its
texts into the record; the review copy uses its places (which cell or paragraph held each
label, answer, value and summary line) to anchor comments, through ``parsers.word_walk``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from mast_intake.parsers.entries import score_marker
from mast_intake.parsers.labels import Label, label_strength, match_label
from mast_intake.parsers.layout import Block, Cell, Para, Segment, distinct_cells

_STRONG = 0.9
# A risk category as workers write it: "Low", "Med", "Medium", "High".
CATEGORY_WORD = re.compile(r"\b(low|med(?:ium)?|high)\b", re.IGNORECASE)
_CHECKED = re.compile(r"^\s*[\u2612\u2611\u2714\u2713\u25a0xX]\s+")
_KEYED_KINDS = {"detail", "stated_total", "stated_category", "date_version", "summary"}

Place = Cell | Para


@dataclass
class ItemPlaces:
    """Where the reader found one item.

    Attributes:
        labels: The cell holding the item's label in a table (its first one), or every
            paragraph holding it in a tool written as paragraphs.
        answers: The answer cells read for it, each once, in reading order; the score cell of
            a separate Score column is among them. An item written as paragraphs has none.
    """

    labels: list[Place] = field(default_factory=list)
    answers: list[Cell] = field(default_factory=list)


@dataclass
class FormReading:
    """What :func:`read_form` read, and where.

    Attributes:
        items: Item key -> the answer cells of each row (or paragraph run) its label opened,
            in order: what ``extract`` reads the score, statements and updates from.
        values: Detail, Date/Version, stated total and stated category keys -> their text (the
            first non-empty one wins).
        summary: The summary's lines, in order.
        checked_category: The category ticked in a list of categories ("☒ Medium"), if any.
        item_places: Item key -> where its label and answers are.
        value_places: Key of :attr:`values` -> the cells with text the value was read from,
            else the label's own cell ("Risk Assessment score: 12"), or its paragraph.
        summary_places: The cells and paragraphs the summary's lines were read from.
        summary_label: The first cell or paragraph holding the summary's label, if any.
        in_summary, open_answer: The pass's own state while it reads (inside the summary; the
            answer an item label written as a paragraph is gathering): not results.
    """

    items: dict[str, list[list[Cell]]] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)
    checked_category: str = ""
    item_places: dict[str, ItemPlaces] = field(default_factory=dict)
    value_places: dict[str, list[Place]] = field(default_factory=dict)
    summary_places: list[Place] = field(default_factory=list)
    summary_label: Place | None = None
    in_summary: bool = False
    open_answer: Cell | None = None

    def note_summary(self, text: str, places: Sequence[Place]) -> None:
        """Add a summary line and the places it was read from."""
        self.summary.append(text)
        for place in places:
            if all(place is not known for known in self.summary_places):
                self.summary_places.append(place)


def read_form(blocks: Sequence[Block]) -> FormReading:
    """Read every label and its answer from the blocks, in reading order."""
    found = FormReading()
    for block in blocks:
        if isinstance(block, Para):
            _read_paragraph(found, block)
            continue
        found.open_answer = None
        above: dict[int, Label | None] = {}
        for row in block.rows:
            above = _read_row(found, row, above)
    return found


def _classify(cell: Cell) -> tuple[Label | None, str]:
    """The label a cell holds, and any value written in the same cell after a colon."""
    text = cell.text
    if not text:
        return None, ""
    head, colon, tail = text.partition(":")
    if colon and tail.strip() and len(head) < 60:
        label = match_label(head)
        if label and label.kind in _KEYED_KINDS:
            return label, tail.strip()
    if score_marker(text)[0] is not None and label_strength(text) < _STRONG:
        return None, ""
    return match_label(text), ""


def _record(found: FormReading, label: Label, values: list[Cell], inline: str, place: Place) -> None:
    """Take the answer of ``label`` (written in ``place``): an item's cells, a value or summary."""
    text = "\n".join(v.text for v in values if v.text).strip() or inline
    if label.kind == "item":
        found.in_summary = False
        found.items.setdefault(label.key, []).append(values)
        places = found.item_places.setdefault(label.key, ItemPlaces())
        if isinstance(place, Para):
            places.labels.append(place)  # its answer is the paragraphs after it, not cells
            return
        places.answers.extend(cell for cell in values if all(cell is not c for c in places.answers))
        if not places.labels:
            places.labels.append(place)
    elif label.kind == "summary":
        found.in_summary = True
        if found.summary_label is None:
            found.summary_label = place
        if text:
            found.note_summary(text, [cell for cell in values if cell.text] or [place])
    elif label.kind in _KEYED_KINDS and text and not found.values.get(label.key):
        found.values[label.key] = text
        found.value_places[label.key] = [cell for cell in values if cell.text] or [place]


def _read_row(
    found: FormReading, row: list[Cell], above: dict[int, Label | None]
) -> dict[int, Label | None]:
    """Read one table row; returns what each of its cells held, for cells merged downwards."""
    unique = distinct_cells(row)
    read = [(above[id(cell)], "") if id(cell) in above else _classify(cell) for cell in unique]
    # The cell right after a label is its answer, even when the answer looks like a label
    # ("Reported or not reported?" | "Not reported"), unless it is clearly the next label with
    # room for its own answer after it.
    for index in range(1, len(read)):
        label, previous = read[index][0], read[index - 1][0]
        if (
            label is not None
            and previous is not None
            and previous.kind in _KEYED_KINDS | {"item"}
            and id(unique[index]) not in above
            and (index == len(read) - 1 or label_strength(unique[index].text) < _STRONG)
        ):
            read[index] = (None, "")
    classified = [label for label, _ in read]
    inline = [value for _, value in read]
    held: dict[int, Label | None] = {id(cell): label for cell, label in zip(unique, classified, strict=True)}
    index = 0
    while index < len(unique):
        label = classified[index]
        if label is None:
            if found.in_summary and unique[index].text and id(unique[index]) not in above:
                found.note_summary(unique[index].text, [unique[index]])
            index += 1
            continue
        end = index + 1
        while end < len(unique) and classified[end] is None:
            end += 1
        # A value cell merged down from the row above was read with that row already.
        values = [cell for cell in unique[index + 1 : end] if id(cell) not in above]
        if label.kind != "heading":
            _record(found, label, values, inline[index], unique[index])
        index = end
    return held


def _item_with_answer(text: str) -> tuple[Label | None, str]:
    """An item label and its answer in one paragraph: "Drug & alcohol misuse: 1 - ..."."""
    for separator in (":", "\t", " \u2013 ", " - "):
        head, found, tail = text.partition(separator)
        if found and tail.strip() and label_strength(head) >= _STRONG:
            label = match_label(head)
            if label is not None and label.kind == "item" and score_marker(tail)[0] is not None:
                return label, tail.strip()
    return None, ""


def _read_paragraph(found: FormReading, para: Para) -> None:
    """Read a paragraph: a label (and the answer paragraphs after an item label), or summary text.

    A tool pasted into a new document has no item tables: each item label is a paragraph, and
    the paragraphs up to the next label are its answer, score first ("Score: 1", "1 -").
    """
    text = para.text.strip()
    if not text:
        return
    label, answer = _item_with_answer(text)
    first = [Para([Segment(answer)])] if label is not None else []
    inline = ""
    if label is None:
        label, inline = _classify(Cell([para]))
    if label is not None:
        found.open_answer = None
        if label.kind == "heading":
            if _CHECKED.match(text) and not found.checked_category:
                category = CATEGORY_WORD.search(text)
                found.checked_category = category.group(1) if category else ""
            return
        if label.kind == "item":
            found.open_answer = Cell(first)
            _record(found, label, [found.open_answer], "", para)
            return
        _record(found, label, [], inline, para)
        return
    if found.open_answer is not None:
        found.open_answer.paras.append(para)
    elif found.in_summary:
        found.note_summary(text, [para])
