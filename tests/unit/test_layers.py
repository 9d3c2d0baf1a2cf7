"""Imports point one way: entry points, adapters, services, ports, base (pyproject's contracts).

The contracts live in ``[tool.importlinter]`` in pyproject.toml; a back-pointing import (a
service importing storage or an adapter, notifier importing intake, a port importing a
service ...) breaks one and fails this test, which prints the offending import chain.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_every_import_points_down_the_layers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO_ROOT)
    assert lint_imports(config_filename=str(REPO_ROOT / "pyproject.toml"), no_cache=True,
                        no_logo=True) == EXIT_STATUS_SUCCESS
