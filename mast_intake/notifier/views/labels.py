"""How messages name bands, items, the parts of the form and the worker, and quote the worker's words."""

from __future__ import annotations

import re

from mast_intake.models.form import CATEGORIES, DETAILS, ITEMS

BAND_LABELS: dict[str, str] = {"low": "Low", "medium": "Medium", "high": "High"}

SENDER_NOT_VERIFIED = "sender not verified"
"""Said beside the sender wherever mail is taken without sender verification (an explicit setting)."""

QUOTE_CHARS = 50
"""How much of the worker's words a one-line list quotes."""


def shorten(words: str, limit: int = QUOTE_CHARS) -> str:
    """``words`` on one line, cut at a word boundary to at most ``limit`` characters plus "..."."""
    flat = " ".join(words.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(" ,.;:") + "..."


def band_label(category: str | None) -> str:
    """The band as a capitalised word, or "Not given" when there is none."""
    return BAND_LABELS.get(category or "", "Not given")


def band_rank(category: str | None) -> int:
    """0 for low, 1 for medium, 2 for high; -1 when no band is known."""
    return CATEGORIES.index(category) if category in CATEGORIES else -1


def item_label(key: str | None) -> str:
    """The form's label for an item or detail key; "The whole tool" when the key is None."""
    if key is None:
        return "The whole tool"
    if key in ITEMS:
        return ITEMS[key].label
    if key in DETAILS:
        return DETAILS[key].label
    if key == "summary":
        return "Additional professional comments (summary)"
    if key in {"total", "score"}:
        return "Risk assessment score"
    if key == "category":
        return "Risk category"
    return key.replace("_", " ").capitalize()


def greeting_name(display_name: str) -> str:
    """The name to greet a worker by: the display name without a "(Team)" or " - Team" tail."""
    name = re.sub(r"\s*\([^()]*\)\s*$", "", display_name or "").strip()
    name = re.split(r"\s[-\u2013|]\s", name, maxsplit=1)[0].strip()
    if "," in name:
        last, _, first = name.partition(",")
        name = f"{first.strip()} {last.strip()}".strip()
    return name or "colleague"
