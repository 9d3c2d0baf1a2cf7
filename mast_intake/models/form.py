"""The risk guidance tool as data: sections, the 29 items, the 13 child-detail fields, the bands.

Loaded once from the packaged copy of the form's machine-readable spec.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Literal

Category = Literal["low", "medium", "high"]


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    instruction: str
    current_only: bool


@dataclass(frozen=True)
class ItemSpec:
    key: str
    section: str
    label: str


@dataclass(frozen=True)
class DetailSpec:
    key: str
    label: str


@dataclass(frozen=True)
class Band:
    category: Category
    min: int
    max: int | None


def _load() -> dict:
    return json.loads(resources.files("mast_intake.models").joinpath("risk_tool.json").read_text())


_SPEC = _load()
FORM_TITLE: str = _SPEC["form"]
SECTIONS: dict[str, Section] = {s["key"]: Section(**s) for s in _SPEC["sections"]}
ITEMS: dict[str, ItemSpec] = {i["key"]: ItemSpec(**i) for i in _SPEC["items"]}
DETAILS: dict[str, DetailSpec] = {d["key"]: DetailSpec(**d) for d in _SPEC["details"]}
BANDS: tuple[Band, ...] = tuple(Band(**b) for b in _SPEC["bands"])
CATEGORIES: tuple[Category, ...] = tuple(b.category for b in BANDS)


def band_for(total: int) -> Category:
    """The category whose score band holds ``total``."""
    for band in BANDS:
        if total >= band.min and (band.max is None or total <= band.max):
            return band.category
    raise ValueError(f"no band holds a total of {total}")


def is_current_only(item_key: str) -> bool:
    """True when the item's section scores only what happened within a month of assessment."""
    return SECTIONS[ITEMS[item_key].section].current_only
