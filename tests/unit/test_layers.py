"""Imports point one way: entry points, adapters, services, ports, base (pyproject's contracts).

The contracts live in ``[tool.importlinter]`` in pyproject.toml; a back-pointing import (a
service importing storage or an adapter, notifier importing intake, a port importing a
service ...) breaks one and fails this test, which prints the offending import chain.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_every_import_points_down_the_layers() -> None:
    # In a child process: import-linter configures logging, which would disable the loggers of
    # every module already imported into the test process.
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                               "sys.exit(lint_imports_command())",
         "--config", str(REPO_ROOT / "pyproject.toml"), "--no-cache"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_service_module_is_held_to_the_ports_contract() -> None:
    """A new intake or notifier module joins the "services use ports" contract, or fails here."""
    import tomllib

    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "forbidden")
    covered, forbidden = contract["source_modules"], contract["forbidden_modules"]
    package = REPO_ROOT / "mast_intake"
    for service in ("intake", "notifier"):
        for path in sorted((package / service).rglob("*.py")):
            parts = path.relative_to(REPO_ROOT).with_suffix("").parts
            module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            if module in (f"mast_intake.{service}", "mast_intake.intake.sender_verification"):
                continue  # the package itself; sender_verification's __init__ builds the adapters
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                continue
            assert any(module == c or module.startswith(c + ".") for c in covered), (
                f"{module} is a service module: add it to the forbidden contract's source_modules")
