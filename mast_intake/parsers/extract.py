"""Read the risk tool from a document's blocks by its labels, whatever the layout.

A label cell's answer is the cells after it in the same row, up to the next label: that one
rule reads the two-column layout, the first section's paired four-column rows, a separate Score
column and the details table in either layout. A label cell merged down over several rows
(the same Cell object again) gathers the answers of every row it spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mast_intake.language.aliases import split_alias
from mast_intake.language.dates import age_and_dob, first_date
from mast_intake.models.assessment import Assessment, ChildDetails, ItemEntry
from mast_intake.models.form import DETAILS, ITEMS, Category
from mast_intake.parsers.entries import read_answer, score_marker
from mast_intake.parsers.labels import Label, label_strength, match_label
from mast_intake.parsers.layout import Block, Cell, Para, Segment, distinct_cells
from mast_intake.parsers.rejections import ParseRejected

MIN_ITEMS_FOUND = 15
_STRONG = 0.9
_CATEGORY = re.compile(r"\b(low|med(?:ium)?|high)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\b(\d{1,3})\b")
_CHECKED = re.compile(r"^\s*[\u2612\u2611\u2714\u2713\u25a0xX]\s+")
_KEYED_KINDS = {"detail", "stated_total", "stated_category", "date_version", "summary"}


@dataclass
class _Found:
    items: dict[str, list[list[Cell]]] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)
    checked_category: str = ""
    in_summary: bool = False
    # The answer an item label written as a paragraph is gathering, until the next label.
    open_answer: Cell | None = None


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


def _record(found: _Found, label: Label, values: list[Cell], inline: str) -> None:
    text = "\n".join(v.text for v in values if v.text).strip() or inline
    if label.kind == "item":
        found.in_summary = False
        found.items.setdefault(label.key, []).append(values)
    elif label.kind == "summary":
        found.in_summary = True
        if text:
            found.summary.append(text)
    elif label.kind in _KEYED_KINDS and text and not found.values.get(label.key):
        found.values[label.key] = text


def _read_row(
    found: _Found, row: list[Cell], above: dict[int, Label | None]
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
                found.summary.append(unique[index].text)
            index += 1
            continue
        end = index + 1
        while end < len(unique) and classified[end] is None:
            end += 1
        # A value cell merged down from the row above was read with that row already.
        values = [cell for cell in unique[index + 1 : end] if id(cell) not in above]
        if label.kind != "heading":
            _record(found, label, values, inline[index])
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


def _read_paragraph(found: _Found, para: Para) -> None:
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
                category = _CATEGORY.search(text)
                found.checked_category = category.group(1) if category else ""
            return
        if label.kind == "item":
            found.open_answer = Cell(first)
            _record(found, label, [found.open_answer], "")
            return
        _record(found, label, [], inline)
        return
    if found.open_answer is not None:
        found.open_answer.paras.append(para)
    elif found.in_summary:
        found.summary.append(text)


def _category(text: str) -> Category | None:
    match = _CATEGORY.search(text)
    if not match:
        return None
    word = match.group(1).lower()
    return "medium" if word.startswith("med") else word  # type: ignore[return-value]


def extract(blocks: list[Block], file_name: str, sha256: str, kind: str,
            wrapped: bool = False) -> Assessment:
    """Build the record from a document's blocks; raises not_a_risk_tool when it is not one."""
    found = _Found()
    for block in blocks:
        if isinstance(block, Para):
            _read_paragraph(found, block)
            continue
        found.open_answer = None
        above: dict[int, Label | None] = {}
        for row in block.rows:
            above = _read_row(found, row, above)
    if len(found.items) < MIN_ITEMS_FOUND:
        raise ParseRejected("not_a_risk_tool", f"{len(found.items)} of {len(ITEMS)} items found")

    items: dict[str, ItemEntry] = {}
    for key in ITEMS:
        groups = found.items.get(key)
        if not groups:
            items[key] = ItemEntry(key, found=False)
            continue
        cells = [cell for group in groups for cell in group]
        answer = read_answer(_score_column_first(groups), wrapped) if cells else read_answer([])
        items[key] = ItemEntry(key, answer.score, answer.rationale, answer.updates, answer.entries)

    date_version = found.values.get("date_version", "")
    assessment_date = first_date(date_version)
    fields = _detail_fields(found.values)
    age, dob = age_and_dob(fields["age_dob"], assessment_date)
    total_text = found.values.get("stated_total", "")
    total = _NUMBER.search(total_text)
    category_text = found.values.get("stated_category", "") or found.checked_category
    return Assessment(
        file_name=file_name,
        sha256=sha256,
        kind=kind,
        child=ChildDetails(fields=fields, dob=dob, age=age),
        assessment_date=assessment_date,
        date_version=date_version,
        items=items,
        stated_total=int(total.group(1)) if total else None,
        stated_total_text=total_text,
        stated_category=_category(category_text),
        stated_category_text=category_text,
        summary="\n".join(found.summary).strip(),
    )


def _detail_fields(values: dict[str, str]) -> dict[str, str]:
    """The 13 detail fields, with separate age and birth-date rows joined and an alias apart.

    "Charlie-Jay Ward (goes by CJ)" or a "Known as" row gives the name and ``known_as``; the
    alias stays in the record so that the checks know the child by it too.
    """
    fields = {key: values.get(key, "") for key in DETAILS}
    if not fields["age_dob"]:
        fields["age_dob"] = " / ".join(values[k] for k in ("age", "dob") if values.get(k))
    name, alias = split_alias(fields["name"])
    fields["name"] = name
    known_as = "; ".join(a for a in (alias, values.get("known_as", "").strip()) if a)
    if known_as:
        fields["known_as"] = known_as
    return fields


def _score_column_first(groups: list[list[Cell]]) -> list[Cell]:
    """Answer cells of every row a label spans: a score cell stays first when there is one."""
    if len(groups) == 1:
        return groups[0]
    widest = max(len(group) for group in groups)
    if widest < 2:
        return [cell for group in groups for cell in group]
    columns: list[list[Cell]] = [[] for _ in range(widest)]
    for group in groups:
        offset = widest - len(group)
        for index, cell in enumerate(group):
            if cell not in columns[index + offset]:
                columns[index + offset].append(cell)
    merged = []
    for column in columns:
        merged.append(Cell([para for cell in column for para in cell.paras]))
    return merged
