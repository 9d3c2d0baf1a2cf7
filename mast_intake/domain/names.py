"""Name matching: the form of a child's name used to recognise them across tools."""

from __future__ import annotations

import re
import unicodedata

_NAME_SEPARATORS = re.compile(r"\s*(?:/|;|\|| a\.?k\.?a\.? | known as )\s*", re.IGNORECASE)
# Hyphens, dots and the like separate name parts; apostrophes join them (O'Neil is oneil).
_SPACING_PUNCTUATION = re.compile(r"[-‐‑‒–—_.,/\\]+")


def normalise_name(name: str) -> str:
    """The form of a name used for matching: accents, case, punctuation and spacing removed."""
    decomposed = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    text = _SPACING_PUNCTUATION.sub(" ", text)
    text = "".join(ch for ch in text if ch.isalnum() or ch.isspace())
    return " ".join(text.split())


def split_names(field: str) -> list[str]:
    """The names in a "Name / Alias / Known As" answer, first the name, then each alias."""
    names = []
    for part in _NAME_SEPARATORS.split(f" {field} "):
        part = part.strip()
        if part and normalise_name(part) and part not in names:
            names.append(part)
    return names
