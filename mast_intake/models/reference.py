"""The one reference format for a case: ``MAST-<submission id>``, in every message and screen."""

from __future__ import annotations

import re

PREFIX = "MAST-"
_REFERENCE = re.compile(r"^\s*(?:MAST-?|#)?\s*(\d+)\s*$", re.IGNORECASE)


def case_reference(submission_id: int) -> str:
    """The reference workers and MAST quote for a submission, e.g. "MAST-42"."""
    return f"{PREFIX}{submission_id}"


def submission_id_of(reference: str) -> int:
    """The submission id in "MAST-42", "mast42", "#42" or "42"; ValueError for anything else."""
    match = _REFERENCE.match(reference)
    if match is None:
        raise ValueError(f"not a case reference: {reference!r} (expected like {PREFIX}42)")
    return int(match.group(1))
