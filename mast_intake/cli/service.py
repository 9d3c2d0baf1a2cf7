"""`mast-intake run`, `poll`, `send` and `status`: the service and its health."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from mast_intake import logs
from mast_intake.cli import main, settings_of, verbose_of
from mast_intake.cli.startup import start
from mast_intake.ports.mailbox import MailboxError

if TYPE_CHECKING:
    from mast_intake.bootstrap import App


def app_of(ctx: click.Context) -> App:
    """The wired service, built once per invocation."""
    settings = settings_of(ctx)
    logs.configure(settings.log_level, verbose_of(ctx))
    app = start(settings)
    ctx.call_on_close(app.close)
    return app


@main.command()
@click.pass_context
def run(ctx: click.Context) -> None:
    """Run the service: poll the mailbox, send replies, issue agendas, remind reviews.

    Also serves the MAST web console on http://127.0.0.1:8000 unless MAST_INTAKE_WEB_ENABLED
    is false (host and port: MAST_INTAKE_WEB_HOST, MAST_INTAKE_WEB_PORT).

    Polls every MAST_INTAKE_POLL_INTERVAL_SECONDS (60 by default), issues each meeting's
    agenda at the cut-off (MAST_INTAKE_MEETING_CUTOFF) and sends review reminders daily.
    With the embedded defaults, drop .eml files into var/mailbox/new and replies appear in
    var/outbox/new. Stop with Ctrl+C.
    """
    from mast_intake.scheduler import build_scheduler

    app = app_of(ctx)
    settings = app.settings
    click.echo(f"MAST Intake running: mailbox {settings.mailbox}, mailer {settings.mailer}, "
               f"data in {settings.data_dir}; polling every {settings.poll_interval_seconds}s.",
               err=True)
    if settings.mailbox == "maildir":
        click.echo(f"Drop emails (.eml) into {settings.maildir_path / 'new'}; replies go to "
                   f"{settings.outbox_path / 'new'}.", err=True)
    if settings.web.enabled:
        from mast_intake.web import serve_in_background

        try:
            serve_in_background(app)
        except (ImportError, RuntimeError) as exc:  # the web extra missing, or the port taken
            raise click.ClickException(f"web console: {exc}") from exc
        click.echo(f"Web console on http://{settings.web.host}:{settings.web.port}/ "
                   "(accounts: mast-intake user add).", err=True)
    try:
        build_scheduler(app).start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Stopped.", err=True)


@main.command()
@click.option("--once", is_flag=True, required=True,
              help="Run one cycle and exit (the only mode; `run` polls on a schedule).")
@click.pass_context
def poll(ctx: click.Context, once: bool) -> None:
    """Run one poll cycle over the mailbox, send the replies it queued, and exit.

    Prints how many messages were processed, rejected, quarantined, skipped or recovered.
    Exit status 1 when the mailbox could not be reached.
    """
    from mast_intake.intake.poll import poll_once
    from mast_intake.scheduler import send_outbox

    app = app_of(ctx)
    try:
        counts = poll_once(app.poll_context())
    except MailboxError as exc:
        raise click.ClickException(f"mailbox unavailable: {exc}") from exc
    send_outbox(app)
    click.echo(json.dumps(dict(sorted(counts.items()))))


@main.command()
@click.pass_context
def send(ctx: click.Context) -> None:
    """Send every email waiting in the outbox now (replies, agendas, case notes, alerts)."""
    from mast_intake.scheduler import send_outbox

    app = app_of(ctx)
    send_outbox(app)
    with app.uow() as uow:
        click.echo(json.dumps(uow.outbox.counts()))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Show the sender verification in force, the last poll and counts of messages and replies.

    The last poll with its counts (processed, failed and quarantined) and its error's class if
    it failed; messages processed, quarantined and waiting; emails pending and sent.
    """
    app = app_of(ctx)
    with app.uow() as uow:
        latest = uow.poll_runs.latest()
        report: dict[str, Any] = {
            "last_poll": {
                "started_at": latest.started_at.isoformat(),
                "finished_at": latest.finished_at.isoformat() if latest.finished_at else None,
                # The mailbox's failure, or else the last message that failed in that poll.
                "error": latest.error_kind,
                "counts": latest.counts,
                "failed": latest.counts.get("failed", 0) + latest.counts.get("error", 0),
                "quarantined": latest.counts.get("quarantined", 0),
            } if latest else None,
            "messages": uow.mail.counts(),
            "replies": uow.outbox.counts(),
            "sender_verification": app.sender_verifier.mode,
        }
    try:
        report["messages"]["waiting_in_inbox"] = len(list(app.mailbox.pending()))
    except MailboxError:
        report["messages"]["waiting_in_inbox"] = None
    if as_json:
        click.echo(json.dumps(report))
        return
    last = report["last_poll"]
    click.echo(f"Sender verification: {report['sender_verification']}"
               + (" (accepting unverified senders)" if app.settings.accept_unverified_senders
                  and report["sender_verification"] == "none" else ""))
    click.echo(f"Last poll: {last['started_at'] if last else 'never'}"
               + (f" (error: {last['error']})" if last and last["error"] else ""))
    click.echo("Messages: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in report["messages"].items()))
    click.echo("Replies and other emails: " + ", ".join(f"{k} {v}" for k, v in report["replies"].items()))
