"""The mast-intake command line. Each command's help text is its documentation.

Start-up cost matters (`--help` and `check` are run by people waiting): this package and the
command modules import only click and light modules at the top; anything heavier (the
database, spaCy, mail clients, the web stack) is imported inside the command that needs it.
"""

from __future__ import annotations

import click

from mast_intake import __version__
from mast_intake.config import ConfigError, Settings, load_settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mast-intake")
@click.option("-v", "--verbose", is_flag=True,
              help="Also log the libraries' own progress lines (database migrations and the like).")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """MAST Intake: read, check and queue CSE risk guidance tools sent to the MAST mailbox.

    Settings come from MAST_INTAKE_* environment variables and the optional TOML file named by
    MAST_INTAKE_CONFIG; see the README.
    """
    ctx.meta["verbose"] = verbose


def verbose_of(ctx: click.Context) -> bool:
    """True when the command line asked for the libraries' log lines too (``-v``)."""
    return bool(ctx.find_root().meta.get("verbose"))


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
