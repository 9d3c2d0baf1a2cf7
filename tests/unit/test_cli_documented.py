"""The CLI's help text is its documentation: every command must have some, it must run, and the
README's command reference must be what the help says."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from mast_intake.cli import main
from mast_intake.cli.reference import commands, commands_markdown, readme_section

README = Path(__file__).resolve().parents[2] / "README.md"


EVERY_COMMAND = [((), main), *commands(main)]


@pytest.mark.parametrize(("path", "command"), [
    pytest.param(path, command, id=" ".join(("mast-intake", *path))) for path, command in EVERY_COMMAND])
def test_every_command_is_documented(path: tuple[str, ...], command: click.Command) -> None:
    assert command.help and len(command.help.split()) >= 6, f"{' '.join(path)} needs help text"
    for parameter in command.params:
        if isinstance(parameter, click.Option) and not parameter.hidden:
            assert parameter.help, f"{' '.join(path)} {parameter.opts[0]} needs help text"
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_the_readme_command_reference_is_the_help_text() -> None:
    assert readme_section(README.read_text(encoding="utf-8")) == commands_markdown(main), (
        "run `python scripts/readme_commands.py` to rewrite README.md's command reference")


def test_check_usage_error_exits_2(tmp_path) -> None:
    result = CliRunner().invoke(main, ["check", str(tmp_path / "missing.docx")])
    assert result.exit_code == 2
