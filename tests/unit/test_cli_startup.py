"""The command line starts without the heavy libraries, and keeps Alembic quiet unless -v.

Speed itself is measured by scripts/bench.py, never here; these tests pin the structure that
makes it fast: what importing the command line loads.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("spacy", "sqlalchemy", "sqlmodel", "alembic", "fastapi", "exchangelib", "msal", "docx",
         "pdfplumber", "apscheduler", "cryptography", "jinja2")


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300, env=env)


def test_importing_the_command_line_loads_no_heavy_library() -> None:
    probe = ("import json, sys; import mast_intake.cli; "
             f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    result = _run("-c", probe)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_help_lists_every_command_without_loading_them() -> None:
    probe = ("import json, sys; from click.testing import CliRunner; from mast_intake.cli import main; "
             "out = CliRunner().invoke(main, ['--help']).output; "
             f"print(json.dumps([out.count('  check '), sorted(m for m in {HEAVY!r} if m in sys.modules)]))")
    result = _run("-c", probe)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [1, []]


def test_migrations_are_quiet_unless_verbose(tmp_path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("MAST_INTAKE_")}
    quiet = _run("-m", "mast_intake", "status", env={**env, "MAST_INTAKE_DATA_DIR": str(tmp_path / "a")})
    assert quiet.returncode == 0, quiet.stderr
    assert "alembic" not in quiet.stderr
    loud = _run("-m", "mast_intake", "-v", "status", env={**env, "MAST_INTAKE_DATA_DIR": str(tmp_path / "b")})
    assert loud.returncode == 0, loud.stderr
    assert "alembic" in loud.stderr
