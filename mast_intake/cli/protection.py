"""`mast-intake new-key`, `rotate-key`, `purge`, `audit`, `export-child` and `erase-child`."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mast_intake import logs
from mast_intake.cli import main, settings_of, verbose_of
from mast_intake.cli.startup import start
from mast_intake.config import ConfigError

if TYPE_CHECKING:
    from mast_intake.bootstrap import App
    from mast_intake.protection.attachments import AttachmentStore

_BY_HELP = "Who is doing this (name or email address), for the audit log."


def _app(ctx: click.Context, check_keys: bool = True) -> App:
    settings = settings_of(ctx)
    logs.configure(settings.log_level, verbose_of(ctx))
    app = start(settings, check_keys=check_keys)
    ctx.call_on_close(app.close)
    return app


def _store(app: App) -> AttachmentStore:
    # bootstrap always builds one; the App field is optional only for hand-made Apps.
    assert app.attachments is not None
    return app.attachments


@main.command("new-key")
def new_key_command() -> None:
    """Print a new random encryption key (32 bytes, URL-safe base64) for the key file.

    Put it on the first line of the key file named by MAST_INTAKE_ENCRYPTION_KEY_FILE (outside
    the data folder, chmod 600), keep the old keys on the lines below, then run rotate-key.
    """
    from mast_intake.protection.crypto import new_key

    click.echo(new_key())


@main.command("rotate-key")
@click.option("--check", "check_only", is_flag=True,
              help="Only check that every stored value opens with the configured keys; change nothing.")
@click.option("--by", "actor", default="mast-intake", show_default=True, help=_BY_HELP)
@click.pass_context
def rotate_key(ctx: click.Context, check_only: bool, actor: str) -> None:
    """Re-encrypt everything stored with the current (first) encryption key.

    Reads each value with any configured key (or as plain text, which is how an existing
    database is encrypted the first time) and writes it sealed with the first key; recomputes
    the name lookup keys. Everything is decrypted before anything is written: a missing or wrong
    key stops it with nothing changed. Afterwards the old keys can be removed from the key file.
    """
    from mast_intake.protection.keys import rotate_keys

    app = _app(ctx, check_keys=False)
    try:
        result = rotate_keys(app.uow, app.sealer, _store(app), actor, check_only=check_only)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(result, sort_keys=True))


@main.command()
@click.option("--dry-run", is_flag=True, help="Show what is due for removal; remove nothing.")
@click.pass_context
def purge(ctx: click.Context, dry_run: bool) -> None:
    """Apply the retention rules now, as the nightly job does, and print what went.

    Removes original attachments MAST_INTAKE_RETENTION_ATTACHMENT_DAYS after the decision,
    emails in the embedded Maildir folders and sent outbox rows older than
    MAST_INTAKE_RETENTION_MAIL_DAYS, and (when MAST_INTAKE_RETENTION_RECORD_DAYS is set) whole
    cases without activity for that long. Each removal is recorded in the audit log, by id.
    """
    from mast_intake.protection.retention import purge as run_purge

    app = _app(ctx)
    report = run_purge(app.uow, app.settings, _store(app), app.clock(), dry_run=dry_run)
    click.echo(json.dumps(report.to_dict(), sort_keys=True))


@main.command()
@click.option("--subject-type",
              help="Only lines about this kind of record (child, submission, attachment ...).")
@click.option("--subject-id", help="Only lines about the record with this id.")
@click.option("--actor", help="Only lines by this person or process.")
@click.option("--action", help="Only this action (viewed, decided, exported, erased, purged ...).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only lines from this date (YYYY-MM-DD).")
@click.option("--limit", type=int, default=200, show_default=True, help="At most this many lines.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def audit(ctx: click.Context, subject_type: str | None, subject_id: str | None, actor: str | None,
          action: str | None, since: datetime | None, limit: int, as_json: bool) -> None:
    """Read the audit log, newest first: who viewed, decided, sent, exported or purged what, when.

    The log is append-only (the database refuses changes to it) and holds ids and counts, never
    a child's details.
    """
    app = _app(ctx)
    with app.uow() as uow:
        rows = uow.audit.list(subject_type=subject_type, subject_id=subject_id, actor=actor,
                              action=action, since=since.replace(tzinfo=UTC) if since else None,
                              limit=limit)
        lines = [{"id": row.id, "at": row.at.isoformat(), "actor": row.actor, "action": row.action,
                  "subject_type": row.subject_type, "subject_id": row.subject_id, "detail": row.detail}
                 for row in rows]
    for line in lines:
        if as_json:
            click.echo(json.dumps(line))
        else:
            click.echo(f"{line['at']}  {line['actor']}  {line['action']}  {line['subject_type']} "
                       f"{line['subject_id']}" + (f"  {line['detail']}" if line["detail"] else ""))


_Command = TypeVar("_Command", bound=Callable[..., Any])


def _child_options(command: _Command) -> _Command:
    command = click.option("--dob", type=click.DateTime(["%Y-%m-%d"]),
                           help="With --name: the child's date of birth (YYYY-MM-DD).")(command)
    command = click.option("--name", help="The child's name or a recorded alias (with --dob).")(command)
    command = click.option("--child-id", type=int,
                           help="The child's id (from an export or the agenda).")(command)
    return command


@main.command("export-child")
@_child_options
@click.option("--by", "actor", required=True, help=_BY_HELP)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Write the export (JSON) to this new file, mode 0600; '-' for standard output.")
@click.option("--no-attachments", is_flag=True, help="Say whether originals are held, without their bytes.")
@click.pass_context
def export_child(ctx: click.Context, child_id: int | None, name: str | None, dob: datetime | None,
                 actor: str, out: Path, no_attachments: bool) -> None:
    """Export everything held about one child, for a subject access request.

    The names and date of birth, every tool received (record, findings and the original file),
    agenda entries, decisions and the audit lines about them. Recorded in the audit log.
    """
    from mast_intake.ports.errors import NotFound
    from mast_intake.protection.subject_access import export_child as run_export
    from mast_intake.protection.subject_access import find_child_id

    app = _app(ctx)
    descriptor = None
    if str(out) != "-":
        try:
            # O_EXCL: never overwrite, and never follow a link someone left in the way. Opened
            # before the export so that a refusal leaves no "exported" audit line behind.
            descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            raise click.ClickException(f"{out} already exists; nothing was exported") from exc
    try:
        with app.uow() as uow:
            found = find_child_id(uow, child_id, name, dob.date() if dob else None)
        export = run_export(app.uow, _store(app), found, actor,
                            include_attachments=not no_attachments)
    except NotFound as exc:
        if descriptor is not None:
            os.close(descriptor)
            out.unlink()
        raise click.ClickException(str(exc)) from exc
    text = json.dumps(export, ensure_ascii=False, indent=2)
    if descriptor is None:
        click.echo(text)
        return
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    click.echo(json.dumps({"child_id": found, "submissions": len(export["submissions"]), "file": str(out)}))


@main.command("erase-child")
@_child_options
@click.option("--by", "actor", required=True, help=_BY_HELP)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def erase_child(ctx: click.Context, child_id: int | None, name: str | None, dob: datetime | None,
                actor: str, yes: bool) -> None:
    """Erase everything held about one child (an erasure request or a retention decision).

    Removes the child's names, every tool about them with its original file, agenda entries and
    decisions, and the emails that carried them from the embedded Maildir. Cannot be undone; the
    audit log keeps a line saying what was erased, by whom, with counts only.
    """
    from mast_intake.ports.errors import NotFound
    from mast_intake.protection.subject_access import erase_child as run_erase
    from mast_intake.protection.subject_access import find_child_id

    app = _app(ctx)
    try:
        with app.uow() as uow:
            found = find_child_id(uow, child_id, name, dob.date() if dob else None)
            held = len(uow.submissions.for_child(found))
        if not yes:
            click.confirm(f"Erase child {found} and {held} submission(s)? This cannot be undone",
                          abort=True)
        counts = run_erase(app.uow, _store(app), app.settings, found, actor)
    except NotFound as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps({"child_id": found, **counts}, sort_keys=True))
