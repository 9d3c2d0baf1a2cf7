"""Records to and from plain dicts: the `check --json` shape and what the database stores."""

from __future__ import annotations

from datetime import date

from mast_intake.models.assessment import (
    Assessment,
    ChildDetails,
    Entry,
    ItemEntry,
    Rejection,
    Update,
)
from mast_intake.models.finding import Finding, Severity
from mast_intake.models.form import ITEMS


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def assessment_to_dict(record: Assessment) -> dict:
    """The record in the documented `check --json` shape (without file/status/flags)."""
    child = {"name": record.child.name, "dob": _iso(record.child.dob), "age": record.child.age}
    child.update({k: v for k, v in record.child.fields.items() if k != "name"})
    return {
        "child": child,
        "assessment_date": _iso(record.assessment_date),
        "items": {
            key: {
                "section": item.section,
                "score": item.score,
                "rationale": item.rationale,
                "updates": [{"date": _iso(u.date), "text": u.text} for u in item.updates],
            }
            for key, item in record.items.items()
        },
        "stated_total": record.stated_total,
        "stated_category": record.stated_category,
        "computed_total": record.computed_total,
        "computed_category": record.computed_category,
        "summary": record.summary,
    }


def record_to_storage(record: Assessment) -> dict:
    """Everything needed to rebuild the record later, including what the JSON output omits."""
    data = assessment_to_dict(record)
    data.update(
        file_name=record.file_name,
        sha256=record.sha256,
        kind=record.kind,
        date_version=record.date_version,
        stated_total_text=record.stated_total_text,
        stated_category_text=record.stated_category_text,
        fields=record.child.fields,
    )
    for key, item in record.items.items():
        data["items"][key]["entries"] = [[e.score, e.text] for e in item.entries]
        data["items"][key]["found"] = item.found
    return data


def record_from_storage(data: dict) -> Assessment:
    """Rebuild a record stored with ``record_to_storage``."""
    items = {}
    for key in ITEMS:
        raw = data["items"].get(key, {})
        items[key] = ItemEntry(
            key=key,
            score=raw.get("score", 0),
            rationale=raw.get("rationale", ""),
            updates=[Update(_date(u["date"]), u["text"]) for u in raw.get("updates", [])],
            entries=[Entry(score, text) for score, text in raw.get("entries", [])],
            found=raw.get("found", True),
        )
    child = data["child"]
    return Assessment(
        file_name=data["file_name"],
        sha256=data["sha256"],
        kind=data["kind"],
        child=ChildDetails(fields=dict(data["fields"]), dob=_date(child["dob"]), age=child["age"]),
        assessment_date=_date(data["assessment_date"]),
        date_version=data.get("date_version", ""),
        items=items,
        stated_total=data["stated_total"],
        stated_total_text=data.get("stated_total_text", ""),
        stated_category=data["stated_category"],
        stated_category_text=data.get("stated_category_text", ""),
        summary=data["summary"],
    )


def rejection_to_dict(rejection: Rejection) -> dict:
    """A rejection in the `check --json` shape."""
    return {"reason": rejection.reason, "message": rejection.message}


def finding_from_dict(data: dict) -> Finding:
    """Rebuild a finding stored with ``Finding.to_dict``."""
    return Finding(
        code=data["code"],
        item=data["item"],
        severity=Severity(data["severity"]),
        message=data["message"],
        excerpt=data.get("excerpt", ""),
    )
