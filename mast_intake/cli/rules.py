"""`mast-intake rules`: the catalogue of good-practice checks, and their figures on the corpus."""

from __future__ import annotations

from pathlib import Path

import click

from mast_intake.cli import main, settings_of
from mast_intake.validation import CheckOptions
from mast_intake.validation.catalogue import catalogue_markdown, catalogue_text, figures_text
from mast_intake.validation.corpus import evaluate

# The labelled corpus lives with the tests, in a source checkout.
DEFAULT_CASES = Path(__file__).resolve().parents[2] / "tests" / "unit" / "validation" / "cases"


@main.command()
@click.pass_context
@click.option("--markdown", is_flag=True, help="Print the README's rule table instead.")
@click.option("--evaluate", "measure", is_flag=True,
              help="Run every check over the labelled corpus and print precision and recall per code.")
@click.option("--cases", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Folder of case files (default: the repository's test corpus).")
def rules(ctx: click.Context, markdown: bool, measure: bool, cases: Path | None) -> None:
    """List every check: code, severity, summary, the guide's sentence it enforces, and an example.

    With --evaluate, each check's precision and recall over the labelled corpus (with
    --markdown, the README's table with those columns).
    """
    if not measure:
        click.echo(catalogue_markdown() if markdown else catalogue_text(), nl=False)
        return
    folder = cases or DEFAULT_CASES
    if not folder.is_dir():
        raise click.UsageError(f"no case folder at {folder}; give one with --cases")
    result = evaluate(folder, CheckOptions.from_settings(settings_of(ctx)))
    click.echo(catalogue_markdown(result.tallies) if markdown else figures_text(result), nl=False)
