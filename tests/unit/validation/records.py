"""Build fictional records from the compact case descriptions in ``cases/*.toml``.

A case gives only what it is about; everything else is a clean tool: a named child with a date
of birth, an assessment date, a summary with a view and a protective factor, every item 0, and
a stated total and category that match the items.
"""

from __future__ import annotations

from datetime import date

from mast_intake.models.assessment import Assessment, ChildDetails, Entry, ItemEntry, Update
from mast_intake.models.form import ITEMS, band_for

DEFAULT_SUMMARY = (
    "I am worried that Nia is being groomed by older males she meets online and in the town "
    "centre. What is working well: Nia has a close relationship with her grandmother."
)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _item(key: str, spec: dict) -> ItemEntry:
    entries = [Entry(score, text) for score, text in spec.get("entries", [])]
    if "text" in spec:
        entries.append(Entry(spec.get("score"), spec["text"]))
    score = spec.get("score", sum(e.score or 0 for e in entries))
    updates = [Update(_date(day), text) for day, text in spec.get("updates", [])]
    rationale = "\n".join(e.text for e in entries if e.text)
    return ItemEntry(key, score, rationale, updates, entries)


def record_from_case(case: dict) -> Assessment:
    """The record a case describes."""
    child = case.get("child", {})
    items = {key: _item(key, case.get("items", {}).get(key, {})) for key in ITEMS}
    record = Assessment(
        file_name="case.docx",
        sha256="",
        kind="docx",
        child=ChildDetails(
            fields={"name": child.get("name", "Nia Okafor"), "age_dob": child.get("age_dob", "")},
            dob=_date(child.get("dob", "2011-04-02")),
            age=child.get("age"),
        ),
        assessment_date=_date(case.get("assessment_date", "2026-05-10")),
        date_version=case.get("date_version", ""),
        items=items,
        summary=case.get("summary", DEFAULT_SUMMARY),
    )
    record.stated_total = case.get("stated_total", record.computed_total)
    record.stated_category = case.get("stated_category", band_for(record.stated_total or 0))
    if record.stated_total is not None:
        record.stated_total_text = str(record.stated_total)
    return record
