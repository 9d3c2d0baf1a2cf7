"""Rewrite the README's command reference from the commands' help text.

Run ``python scripts/readme_commands.py`` after changing a command, an option or its help;
``tests/unit/test_cli_documented.py`` fails while the README differs.
"""

from __future__ import annotations

from pathlib import Path

from mast_intake.cli import main
from mast_intake.cli.reference import commands_markdown, with_section

README = Path(__file__).resolve().parents[1] / "README.md"


def write() -> None:
    """Replace the README's generated section with the current reference."""
    text = README.read_text(encoding="utf-8")
    README.write_text(with_section(text, commands_markdown(main)), encoding="utf-8")


if __name__ == "__main__":
    write()
