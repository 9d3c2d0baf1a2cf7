"""The mast-intake command line. Each command's help text is its documentation."""

from __future__ import annotations

import click

from mast_intake import __version__
from mast_intake.config import ConfigError, Settings, load_settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mast-intake")
def main() -> None:
    """MAST Intake: read, check and queue CSE risk guidance tools sent to the MAST mailbox.

    Settings come from MAST_INTAKE_* environment variables and the optional TOML file named by
    MAST_INTAKE_CONFIG; see the README.
    """


def settings_of(ctx: click.Context) -> Settings:
    """The settings, read once per invocation at this entry point."""
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        try:
            root.obj = load_settings()
        except ConfigError as exc:
            from mast_intake.cli.startup import EXIT_CONFIG, StartRefused

            raise StartRefused(str(exc), EXIT_CONFIG) from exc
    return root.obj


def _register() -> None:
    # Commands live in their own modules; importing them attaches them to ``main``.
    from mast_intake.cli import check, database, meeting, protection, report, rules, service, web  # noqa: F401


_register()
