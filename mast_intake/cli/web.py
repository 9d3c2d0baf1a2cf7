"""`mast-intake user ...` (web console accounts) and `mast-intake demo` (fictional example data)."""

from __future__ import annotations

import sys

import click

from mast_intake.cli import main, settings_of
from mast_intake.cli.service import app_of


def _read_password(from_stdin: bool) -> str:
    """The password from the first line of standard input, or typed twice at a hidden prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@main.group()
def user() -> None:
    """Manage the accounts that may sign in to the web console.

    Roles: member (reads the agenda and children's records), coordinator (also records MAST's
    decisions), admin (also manages accounts and the quarantine). Passwords are stored as
    argon2 hashes and need at least 12 characters.
    """


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["member", "coordinator", "admin"]), required=True,
              help="What the account may do.")
@click.option("--name", "display_name", default="", help="The person's full name, shown in the console.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input instead of a prompt.")
@click.option("--no-password", is_flag=True,
              help="No password: the account signs in only through single sign-on (trusted header).")
@click.pass_context
def user_add(ctx: click.Context, username: str, role: str, display_name: str, password_stdin: bool,
             no_password: bool) -> None:
    """Create a console account USERNAME with a role; the password is asked for (or read from stdin)."""
    from sqlalchemy.exc import IntegrityError

    from mast_intake.web.auth import PasswordTooWeak, hash_password

    password_hash = ""
    if not no_password:
        try:
            password_hash = hash_password(_read_password(password_stdin))
        except PasswordTooWeak as exc:
            raise click.ClickException(str(exc)) from exc
    app = app_of(ctx)
    try:
        with app.uow() as uow:
            created = uow.users.add(username, role, password_hash, display_name)
            uow.audit.append("mast-intake-cli", "user_added", "user", str(created.id), role)
            uow.commit()
    except IntegrityError as exc:
        raise click.ClickException(f"there is already an account called {username.lower()}") from exc
    click.echo(f"Account {username.lower()} added with role {role}.")


@user.command("password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
@click.pass_context
def user_password(ctx: click.Context, username: str, password_stdin: bool) -> None:
    """Set a new password for USERNAME."""
    from mast_intake.web.auth import PasswordTooWeak, hash_password

    try:
        password_hash = hash_password(_read_password(password_stdin))
    except PasswordTooWeak as exc:
        raise click.ClickException(str(exc)) from exc
    app = app_of(ctx)
    with app.uow() as uow:
        account = uow.users.by_username(username)
        if account is None:
            raise click.ClickException(f"there is no account called {username.lower()}")
        uow.users.update(account, password_hash=password_hash)
        assert account.id is not None  # a stored account has its key
        ended = uow.web_sessions.end_all(account.id)
        uow.audit.append("mast-intake-cli", "password_set", "user", str(account.id),
                         f"{ended} sessions ended")
        uow.commit()
    click.echo(f"Password of {username.lower()} changed.")


@user.command("disable")
@click.argument("username")
@click.pass_context
def user_disable(ctx: click.Context, username: str) -> None:
    """Stop USERNAME signing in; their open console sessions end at once."""
    app = app_of(ctx)
    with app.uow() as uow:
        account = uow.users.by_username(username)
        if account is None:
            raise click.ClickException(f"there is no account called {username.lower()}")
        uow.users.update(account, active=False)
        assert account.id is not None  # a stored account has its key
        uow.web_sessions.end_all(account.id)
        uow.audit.append("mast-intake-cli", "user_changed", "user", str(account.id), "active=False")
        uow.commit()
    click.echo(f"Account {username.lower()} disabled.")


@user.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """List the accounts, their roles and whether they are active."""
    app = app_of(ctx)
    with app.uow() as uow:
        for account in uow.users.list():
            click.echo(f"{account.username}\t{account.role}\t{'active' if account.active else 'disabled'}"
                       f"\t{account.display_name}")


@main.command()
@click.option("--once", is_flag=True, help="Do nothing if the demo data was created before.")
@click.pass_context
def demo(ctx: click.Context, once: bool) -> None:
    """Drop FICTIONAL example emails into the Maildir inbox and create a demo coordinator account.

    For trying the service with `make run` only: refused unless both the mailbox and the mailer
    are the embedded Maildir. The emails carry invented risk tools (three children, one of them
    assessed twice) and one email from an outside domain, which goes to the quarantine. Prints
    the demo account's new password; run `mast-intake run` (or wait for it) to read the emails.
    """
    settings = settings_of(ctx)
    if settings.mailbox != "maildir" or settings.mailer != "maildir":
        raise click.ClickException("demo data is only for the embedded Maildir set-up")
    from mast_intake.web.auth import hash_password
    from mast_intake.web.demo import DEMO_USER, MARKER, drop_demo_emails, new_password

    marker = settings.data_dir / MARKER
    if once and marker.exists():
        click.echo(f"Demo data was created before (delete {marker} to create it again; "
                   f"`mast-intake user password {DEMO_USER}` sets a new password).", err=True)
        return
    app = app_of(ctx)
    paths = drop_demo_emails(settings.maildir_path, settings.mast_address, app.clock())
    password = new_password()
    with app.uow() as uow:
        account = uow.users.by_username(DEMO_USER)
        if account is None:
            uow.users.add(DEMO_USER, "coordinator", hash_password(password), "Demo coordinator (FICTIONAL)")
        else:
            uow.users.update(account, password_hash=hash_password(password), active=True)
        admin = uow.users.by_username("demo.admin")
        if admin is None:
            uow.users.add("demo.admin", "admin", hash_password(password), "Demo administrator (FICTIONAL)")
        else:
            uow.users.update(admin, password_hash=hash_password(password), active=True)
        uow.audit.append("mast-intake-cli", "demo_data", "user", DEMO_USER)
        uow.commit()
    marker.write_text("FICTIONAL demonstration data was added to this data folder.\n")
    click.echo(f"FICTIONAL DEMO DATA: {len(paths)} example emails dropped into "
               f"{settings.maildir_path / 'new'}.")
    click.echo(f"Console: http://{settings.web.host}:{settings.web.port}/  user {DEMO_USER} "
               f"(or demo.admin)  password {password}")
