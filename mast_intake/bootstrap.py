"""The composition root: the one place where settings become adapters, storage and services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from mast_intake.config.settings import Settings
from mast_intake.intake.mailbox import Mailbox
from mast_intake.intake.poll import PollContext
from mast_intake.intake.unit_of_work import SqlUnitOfWork
from mast_intake.models.assessment import Assessment, Rejection
from mast_intake.models.finding import Finding
from mast_intake.notifier.mailer import Mailer
from mast_intake.parsers import parse_bytes
from mast_intake.storage import make_engine, make_session_factory, upgrade
from mast_intake.validation import CheckOptions, run_checks


def utc_now() -> datetime:
    """The current moment, timezone-aware."""
    return datetime.now(UTC)


def build_mailbox(settings: Settings) -> Mailbox:
    """The inbox adapter the settings name."""
    folders = (settings.processed_folder, settings.quarantine_folder)
    if settings.mailbox == "imap":
        from mast_intake.intake.adapters.imap import ImapMailbox

        return ImapMailbox(settings.imap, *folders)
    if settings.mailbox == "ews":
        from mast_intake.intake.adapters.ews import EwsMailbox

        return EwsMailbox(settings.ews, *folders)
    if settings.mailbox == "graph":
        from mast_intake.intake.adapters.graph import GraphMailbox

        return GraphMailbox(settings.graph, *folders)
    from mast_intake.intake.adapters.maildir import MaildirMailbox

    return MaildirMailbox(settings.maildir_path, *folders)


def build_mailer(settings: Settings) -> Mailer:
    """The outgoing mail adapter the settings name."""
    if settings.mailer == "smtp":
        from mast_intake.notifier.adapters.smtp import SmtpMailer

        return SmtpMailer(settings.smtp)
    if settings.mailer == "ews":
        from mast_intake.notifier.adapters.ews import EwsMailer

        return EwsMailer(settings.ews)
    if settings.mailer == "graph":
        from mast_intake.notifier.adapters.graph import GraphMailer

        return GraphMailer(settings.graph)
    from mast_intake.notifier.adapters.maildir import MaildirMailer

    return MaildirMailer(settings.outbox_path)


@dataclass
class App:
    """The service's parts, wired once per process."""

    settings: Settings
    uow: Callable[[], SqlUnitOfWork]
    parse: Callable[[bytes, str], Assessment | Rejection]
    check: Callable[[Assessment], list[Finding]]
    clock: Callable[[], datetime] = utc_now
    _mailbox: Mailbox | None = field(default=None, repr=False)
    _mailer: Mailer | None = field(default=None, repr=False)

    @property
    def mailbox(self) -> Mailbox:
        if self._mailbox is None:
            self._mailbox = build_mailbox(self.settings)
        return self._mailbox

    @property
    def mailer(self) -> Mailer:
        if self._mailer is None:
            self._mailer = build_mailer(self.settings)
        return self._mailer

    def poll_context(self) -> PollContext:
        return PollContext(self.settings, self.mailbox, self.uow, self.parse, self.check, self.clock)

    def close(self) -> None:
        for part in (self._mailbox, self._mailer):
            if part is not None:
                part.close()


def bootstrap(settings: Settings, clock: Callable[[], datetime] = utc_now) -> App:
    """Create the data folder and database schema, and wire the service from ``settings``."""
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    upgrade(settings.db_url)
    factory = make_session_factory(make_engine(settings.db_url))
    options = CheckOptions.from_settings(settings)
    return App(
        settings=settings,
        uow=partial(SqlUnitOfWork, factory, clock=clock),
        parse=partial(_parse, settings=settings),
        check=partial(run_checks, options=options),
        clock=clock,
    )


def _parse(data: bytes, file_name: str, settings: Settings) -> Assessment | Rejection:
    return parse_bytes(data, file_name, settings.limits)
