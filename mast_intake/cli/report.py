"""`mast-intake report`: the partnership's figures for a period, as text or CSV."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import click

from mast_intake.cli import main


@main.command()
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="The first day of the period (YYYY-MM-DD), by the day a tool was received.")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="The last day of the period (YYYY-MM-DD), included.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (measure, group, value) instead of text.")
@click.option("--by", "actor", default="mast-intake", show_default=True,
              help="Who is exporting the report, for the audit log.")
@click.pass_context
def report(ctx: click.Context, start: datetime, end: datetime, as_csv: bool, actor: str) -> None:
    """Print the partnership report: tools received, children identified (new and reviews) by
    sex, age band, area/team and level, days from receipt to decision, reviews overdue, NRM
    referrals, Tier 1, and findings per tool by month and check.

    Counts from 1 to 4 are shown as "<5". Every run is written to the audit log.
    """
    # Imported here: the service and its storage are heavy for `mast-intake --help`.
    from mast_intake.cli.service import app_of
    from mast_intake.reports.service import export_report

    if end < start:
        raise click.UsageError("--to is before --from")
    app = app_of(ctx)
    today = app.clock().astimezone(ZoneInfo(app.settings.meeting.timezone)).date()
    click.echo(export_report(app.uow, start.date(), end.date(), today, actor, "csv" if as_csv else "text"),
               nl=False)
