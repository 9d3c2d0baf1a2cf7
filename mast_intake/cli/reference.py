"""The README's command reference, written from the commands' own help text.

The help text is the documentation (``mast-intake COMMAND --help``); the README carries a copy
between ``<!-- commands:start -->`` and ``<!-- commands:end -->`` that
``scripts/readme_commands.py`` rewrites and a test keeps in step.
"""

from __future__ import annotations

import click
from click.testing import CliRunner

START, END = "<!-- commands:start -->", "<!-- commands:end -->"
WIDTH = 100  # the help is wrapped to this width whatever the terminal, so the copy is stable


def commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command under ``group`` with its path of names, depth first in name order."""
    found: list[tuple[tuple[str, ...], click.Command]] = []
    for name, command in sorted(group.commands.items()):
        found.append(((*prefix, name), command))
        if isinstance(command, click.Group):
            found.extend(commands(command, (*prefix, name)))
    return found


def summary(command: click.Command) -> str:
    """The first paragraph of a command's help, on one line."""
    first = (command.help or "").strip().split("\n\n", 1)[0]
    return " ".join(first.split())


def usage(path: tuple[str, ...], command: click.Command) -> str:
    """The command's name, its arguments and its options' names, as one line of markdown code."""
    words = list(path)
    for parameter in command.params:
        if isinstance(parameter, click.Argument):
            words.append(parameter.human_readable_name + ("..." if parameter.nargs == -1 else ""))
        elif isinstance(parameter, click.Option) and not parameter.hidden:
            words.append(f"[{parameter.opts[0]}]" if not parameter.required else parameter.opts[0])
    return " ".join(words)


def help_text(main: click.Group, path: tuple[str, ...]) -> str:
    """What ``mast-intake PATH --help`` prints, at the reference's fixed width."""
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="mast-intake", terminal_width=WIDTH)
    if result.exit_code != 0:
        raise RuntimeError(f"mast-intake {' '.join(path)} --help failed")
    return result.output.rstrip() + "\n"


def commands_markdown(main: click.Group) -> str:
    """The README section: a table of every command, then each command's full help."""
    listed = commands(main)
    lines = ["| command | what it does |", "| --- | --- |"]
    for path, command in listed:
        lines.append(f"| `{_cell(usage(path, command))}` | {_cell(summary(command))} |")
    lines += ["", "Each command's `--help`, as it prints it:", ""]
    for path, _ in [((), main), *listed]:
        name = " ".join(("mast-intake", *path))
        lines += [f"<details><summary><code>{name} --help</code></summary>", "", "```text",
                  help_text(main, path).rstrip("\n"), "```", "", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _cell(text: str) -> str:
    """Text safe inside a markdown table cell."""
    return text.replace("|", "\\|")


def readme_section(readme: str) -> str:
    """The generated section as it stands in the README's text."""
    return readme[readme.index(START) + len(START) : readme.index(END)].strip("\n") + "\n"


def with_section(readme: str, markdown: str) -> str:
    """The README's text with the generated section replaced by ``markdown``."""
    before, after = readme[: readme.index(START) + len(START)], readme[readme.index(END) :]
    return f"{before}\n{markdown}{after}"
