"""The composition root: the one place where settings become adapters, storage and services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from zoneinfo import ZoneInfo

from mast_intake.config.settings import Settings
from mast_intake.intake.across_tools import AcrossTools
from mast_intake.intake.context import PollContext
from mast_intake.intake.sender_verification import build_sender_verifier
from mast_intake.language.nlp import pipeline
from mast_intake.models.assessment import Assessment, Rejection
from mast_intake.models.finding import Finding
from mast_intake.notifier.case_record import case_record_template
from mast_intake.notifier.outbox import deliver
from mast_intake.parsers import parse_bytes
from mast_intake.ports.mailbox import Mailbox
from mast_intake.ports.mailer import Mailer
from mast_intake.ports.sealing import PlainText, Sealer
from mast_intake.ports.senders import SenderVerifier
from mast_intake.protection.attachments import AttachmentStore, StoredAttachment, make_private_dir
from mast_intake.protection.crypto import sealer_from_settings
from mast_intake.protection.fingerprint_keys import fingerprint_keys
from mast_intake.protection.keys import verify_keys
from mast_intake.protection.subject_access import load_attachment
from mast_intake.storage import make_engine, make_session_factory
from mast_intake.storage.integrity import prepare_database
from mast_intake.storage.unit_of_work import SqlUnitOfWork
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
    sender_verifier: SenderVerifier
    clock: Callable[[], datetime] = utc_now
    sealer: Sealer = field(default_factory=PlainText, repr=False)
    attachments: AttachmentStore | None = None
    across_tools: AcrossTools | None = None
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
        """A poll cycle's context that sends each message's replies as soon as they commit."""
        return PollContext(self.settings, self.mailbox, self.uow, self.parse, self.check, self.clock,
                           self.sender_verifier, attachments=self.attachments,
                           after_commit=self.send_outbox, across_tools=self.across_tools,
                           warm_up=partial(pipeline, self.settings.spacy_model))

    def send_outbox(self) -> None:
        """Send whatever the outbox holds."""
        settings = self.settings
        deliver(self.uow, self.mailer, settings.allowed_sender_domains, settings.admin_address,
                settings.mast_address, settings.crashpoint)

    def load_attachment(self, submission_id: int, actor: str) -> StoredAttachment:
        """The original attachment of a submission, unsealed; audited as viewed by ``actor``.

        Raises ``ports.errors.NotFound`` when it is not held (purged, or a rejected file).
        """
        if self.attachments is None:
            raise RuntimeError("this App has no attachment store")
        return load_attachment(self.uow, self.attachments, submission_id, actor)

    def close(self) -> None:
        for part in (self._mailbox, self._mailer):
            if part is not None:
                part.close()


def bootstrap(settings: Settings, clock: Callable[[], datetime] = utc_now,
              check_keys: bool = True) -> App:
    """Create the data folder and database schema, and wire the service from ``settings``.

    An existing database is checked first (``storage.integrity.prepare_database``); a new one
    is created only where no file exists.

    With an encryption key configured, free text and attachments are sealed with it. Unless
    ``check_keys`` is False (only ``rotate-key`` needs that), the keys are checked against the
    stored data first: EncryptionKeyError (a ConfigError) when they do not fit, nothing written.
    """
    # Settings first (a mailbox without sender verification is refused), then keys: a bad key
    # file must stop us before anything is created or migrated.
    sender_verifier = build_sender_verifier(settings)
    sealer = sealer_from_settings(settings.encryption, settings.data_dir) or PlainText()
    case_record_template(settings.case_record_template)  # a bad template stops the start
    make_private_dir(settings.data_dir)
    # DatabaseUnusable, before anything is written, for an empty, damaged or foreign database.
    prepare_database(settings.db_url)
    factory = make_session_factory(make_engine(settings.db_url))
    zone = ZoneInfo(settings.meeting.timezone)
    options = CheckOptions.from_settings(settings, today=lambda: clock().astimezone(zone).date())
    uow = partial(SqlUnitOfWork, factory, sealer=sealer, clock=clock)
    attachments = AttachmentStore(settings.attachments_path, sealer)
    if check_keys:
        verify_keys(uow, sealer, attachments)
    return App(
        settings=settings,
        uow=uow,
        parse=partial(_parse, settings=settings),
        check=partial(run_checks, options=options),
        sender_verifier=sender_verifier,
        clock=clock,
        sealer=sealer,
        attachments=attachments,
        across_tools=AcrossTools(settings, options, fingerprint_keys(sealer, settings.data_dir), clock),
    )


def _parse(data: bytes, file_name: str, settings: Settings) -> Assessment | Rejection:
    return parse_bytes(data, file_name, settings.limits)
