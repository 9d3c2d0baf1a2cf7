"""Build the record from a document's blocks, read by label whatever the layout.

``parsers.reading`` finds each label and its answer; this module turns what it read into the
record: each item's score, statements and updates, the child's details, the stated total and
category, the summary.
"""

from __future__ import annotations

import re

from mast_intake.language.aliases import split_alias
from mast_intake.language.dates import age_and_dob, first_date
from mast_intake.models.assessment import Assessment, ChildDetails, ItemEntry
from mast_intake.models.form import DETAILS, ITEMS, Category
from mast_intake.parsers.entries import read_answer
from mast_intake.parsers.layout import Block, Cell
from mast_intake.parsers.reading import CATEGORY_WORD, read_form
from mast_intake.parsers.rejections import ParseRejected

MIN_ITEMS_FOUND = 15
_NUMBER = re.compile(r"\b(\d{1,3})\b")


def _category(text: str) -> Category | None:
    match = CATEGORY_WORD.search(text)
    if not match:
        return None
    word = match.group(1).lower()
    return "medium" if word.startswith("med") else word  # type: ignore[return-value]


def extract(blocks: list[Block], file_name: str, sha256: str, kind: str,
            wrapped: bool = False) -> Assessment:
    """Build the record from a document's blocks; raises not_a_risk_tool when it is not one."""
    found = read_form(blocks)
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
