"""The case reference workers see: ``MAST-<submission id>``."""

from __future__ import annotations

import re

PREFIX = "MAST-"
_REFERENCE = re.compile(r"(?:mast\s*-?\s*|#\s*)?(\d{1,12})", re.IGNORECASE)


class InvalidReference(ValueError):
    """Text that is not a case reference."""


def format_reference(submission_id: int) -> str:
    """``MAST-3`` for submission 3."""
    return f"{PREFIX}{submission_id}"


def parse_reference(text: str | int) -> int:
    """The submission id in ``MAST-3``, ``mast-3``, ``#3`` or ``3``; InvalidReference otherwise."""
    if isinstance(text, int):
        return text
    match = _REFERENCE.fullmatch(text.strip())
    if not match:
        raise InvalidReference(f"{text!r} is not a case reference (write MAST-3 or 3)")
    return int(match.group(1))
