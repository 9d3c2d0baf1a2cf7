"""Where the read-only shared material (samples, seeds, corpus) is: beside the repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def _find() -> Path:
    if "MAST_SHARED_DIR" in os.environ:
        return Path(os.environ["MAST_SHARED_DIR"])
    beside = Path(__file__).resolve().parents[1].parent / "shared"
    return beside if beside.is_dir() else Path("/work/shared")


SHARED = _find()
SAMPLES = Path(os.environ.get("MAST_SAMPLES_DIR", SHARED / "samples"))


def require(path: Path) -> Path:
    """``path``, or skip the test when the shared material is absent (a failure in CI)."""
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared material missing in CI: {path}")
        pytest.skip(f"shared material not present: {path}")
    return path
