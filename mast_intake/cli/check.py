"""`mast-intake check`: read risk tools from files and show what the service would make of them."""

from __future__ import annotations

import atexit
import gc
import json
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import click

from mast_intake.cli import main, settings_of
from mast_intake.config import Settings
from mast_intake.models.assessment import Assessment, Rejection
from mast_intake.models.codec import assessment_to_dict
from mast_intake.models.finding import Finding, Severity
from mast_intake.models.form import ITEMS
from mast_intake.parsers import parse_file
from mast_intake.parsers.sandbox import SPARES

_HEADINGS = {
    Severity.MUST_FIX: "Must fix",
    Severity.SHOULD_FIX: "Should fix",
    Severity.ADVICE: "Advice",
}


def result_dict(path: str, outcome: Assessment | Rejection, findings: list[Finding]) -> dict:
    """One file's result in the documented JSON shape."""
    if isinstance(outcome, Rejection):
        return {
            "file": path, "status": "rejected", "reason": outcome.reason, "message": outcome.message,
            "child": None, "assessment_date": None, "items": {}, "stated_total": None,
            "stated_category": None, "computed_total": None, "computed_category": None,
            "summary": "", "flags": [],
        }
    body = assessment_to_dict(outcome)
    message = (
        f"Read the risk tool: recomputed score {outcome.computed_total} "
        f"({outcome.computed_category}), {len(findings)} point(s) to look at."
    )
    return {"file": path, "status": "parsed", "reason": None, "message": message, **body,
            "flags": [finding.to_dict() for finding in findings]}


def _readable(path: str, outcome: Assessment | Rejection, findings: list[Finding]) -> str:
    if isinstance(outcome, Rejection):
        return f"{path}: not read ({outcome.reason})\n  {outcome.message}\n"
    child = outcome.child
    lines = [
        f"{path}: read",
        f"  Child: {child.name or '(no name)'}, age {child.age if child.age is not None else '?'}, "
        f"date of birth {child.dob or '?'}",
        f"  Assessment date: {outcome.assessment_date or '(none)'}",
        f"  Score: stated {outcome.stated_total if outcome.stated_total is not None else '?'}"
        f" ({outcome.stated_category or '?'}), recomputed {outcome.computed_total}"
        f" ({outcome.computed_category})",
    ]
    if not findings:
        lines.append("  No findings: the tool follows the good practice guide.")
    for severity, heading in _HEADINGS.items():
        group = [f for f in findings if f.severity == severity]
        if group:
            lines.append(f"  {heading}:")
        for finding in group:
            where = ITEMS[finding.item].label if finding.item else "whole tool"
            lines.append(f"    {finding.code} ({where}): {finding.message}")
            if finding.excerpt:
                lines.append(f'      "{finding.excerpt}"')
    return "\n".join(lines) + "\n"


@main.command()
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--json", "as_json", is_flag=True,
              help="Print exactly one JSON object per file, one per line.")
@click.pass_context
def check(ctx: click.Context, paths: tuple[str, ...], as_json: bool) -> None:
    """Read risk tools (Word or PDF) and show the record, recomputed score and findings.

    Each file is read in an isolated process; a file that cannot be read is reported with a
    stable reason and what the worker should do. Nothing is stored and nothing is sent.

    Exit status: 0 when every file was read (parsed or rejected), 2 on a usage error.
    """
    settings = settings_of(ctx)
    # The collections the interpreter makes on its way out walk all of spaCy's objects (about a
    # tenth of a second) to free what exiting frees anyway; frozen objects are never walked.
    atexit.register(gc.freeze)
    checks = _checks_loading(settings)
    show_progress = as_json and len(paths) > 1 and sys.stderr.isatty()
    # Files are read SPARES at a time (each in its own sandboxed child) while this thread runs
    # the checks and prints, in the order given.
    with ThreadPoolExecutor(max_workers=SPARES) as readers:
        outcomes = readers.map(lambda path: parse_file(Path(path), settings.limits), paths)
        for number, (path, outcome) in enumerate(zip(paths, outcomes, strict=True), start=1):
            findings = checks()(outcome) if isinstance(outcome, Assessment) else []
            if as_json:
                click.echo(json.dumps(result_dict(path, outcome, findings), ensure_ascii=False))
            else:
                click.echo(_readable(path, outcome, findings))
            if show_progress:
                click.echo(f"[{number}/{len(paths)}] {path}", err=True)


def _checks_loading(settings: Settings) -> Callable[[], Callable[[Assessment], list[Finding]]]:
    """Start importing the checks (spaCy) in the background, while the first file is read.

    Returns a function that waits for them and gives the checker.
    """
    loaded: list[Callable[[Assessment], list[Finding]]] = []

    def load() -> None:
        from functools import partial

        from mast_intake.language import spacy_import  # noqa: F401  (first: spaCy without its CLI)
        from mast_intake.language.nlp import pipeline
        from mast_intake.validation import CheckOptions, run_checks

        options = CheckOptions.from_settings(settings, today=date.today)
        pipeline(options.spacy_model)
        loaded.append(partial(run_checks, options=options))

    loader = threading.Thread(target=load, name="load-checks", daemon=True)
    loader.start()

    def checker() -> Callable[[Assessment], list[Finding]]:
        loader.join()
        if not loaded:
            raise click.ClickException("the checks could not be loaded")
        return loaded[0]

    return checker
