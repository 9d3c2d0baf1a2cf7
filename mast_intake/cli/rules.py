"""`mast-intake rules`: the catalogue of good-practice checks."""

from __future__ import annotations

import click

from mast_intake.cli import main


@main.command()
@click.option("--markdown", is_flag=True, help="Print the README's rule table instead.")
def rules(markdown: bool) -> None:
    """List every check: code, severity, summary, the guide's sentence it enforces, and an example."""
    from mast_intake.validation.catalogue import catalogue_markdown, catalogue_text

    click.echo(catalogue_markdown() if markdown else catalogue_text(), nl=False)
