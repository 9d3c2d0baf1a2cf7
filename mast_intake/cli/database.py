"""`mast-intake backup`: a consistent copy of the live database."""

from __future__ import annotations

from pathlib import Path

import click

from mast_intake.cli import main, settings_of
from mast_intake.cli.startup import EXIT_DATABASE_UNUSABLE, StartRefused


def pg_dump_hint(url: str, target: Path) -> str:
    """The pg_dump command that backs up the PostgreSQL database behind ``url`` (no password)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    parts = ["pg_dump", "--format=custom", f"--file={target}"]
    if parsed.host:
        parts.append(f"--host={parsed.host}")
    if parsed.port:
        parts.append(f"--port={parsed.port}")
    if parsed.username:
        parts.append(f"--username={parsed.username}")
    parts.append(parsed.database or "")
    return " ".join(parts)


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup(ctx: click.Context, path: Path) -> None:
    """Copy the live SQLite database to the new file PATH while the service runs.

    Uses SQLite's online backup API, so the copy is consistent even mid-poll; PATH must not
    exist yet and is created readable by its owner only (0600). The copy is checked
    (quick_check, schema revision) before this reports success; attachments in
    DATA_DIR/attachments and the encryption key file are not in it (README: Backup and
    restore). With PostgreSQL this prints the pg_dump command to run instead and exits 1.
    """
    from mast_intake.storage.integrity import DatabaseUnusable, backup_sqlite, sqlite_file

    settings = settings_of(ctx)
    if sqlite_file(settings.db_url) is None:
        click.echo("mast-intake backup copies SQLite databases only; for PostgreSQL run:", err=True)
        click.echo(pg_dump_hint(settings.db_url, path))
        ctx.exit(1)
    try:
        report = backup_sqlite(settings.db_url, path)
    except FileExistsError as exc:
        raise click.ClickException(f"{path} exists already: choose a new file name") from exc
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror}") from exc
    except DatabaseUnusable as exc:
        raise StartRefused(f"no backup made: {exc}", EXIT_DATABASE_UNUSABLE) from exc
    click.echo(f"Backup written: {report.path} ({report.size} bytes, schema revision "
               f"{report.revision}, quick_check ok).")
