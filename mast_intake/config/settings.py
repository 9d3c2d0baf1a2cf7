"""Settings from environment variables and an optional TOML file, with local defaults.

Precedence: built-in defaults, then the TOML file named by ``MAST_INTAKE_CONFIG``, then a secrets
TOML file named by ``MAST_INTAKE_SECRETS_FILE`` (kept outside the repository), then environment
variables. A top-level field ``x`` is ``MAST_INTAKE_X``; a field ``y`` of section ``s`` is
``MAST_INTAKE_S_Y`` in the environment and ``[s] y`` in TOML. Lists are comma-separated in the
environment.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "MAST_INTAKE_"


class ConfigError(Exception):
    """The configuration is unusable; the message says which setting and why."""


@dataclass
class ParseLimits:
    max_file_bytes: int = 20 * 1024 * 1024
    max_part_bytes: int = 60 * 1024 * 1024
    max_total_uncompressed_bytes: int = 200 * 1024 * 1024
    max_zip_entries: int = 2000
    max_pages: int = 60
    memory_mb: int = 1536
    timeout_seconds: float = 45.0
    # Files one parse child may read in turn; it is replaced sooner after any file it did not
    # read cleanly. 1 gives every file a process of its own (see parsers/sandbox.py).
    files_per_child: int = 8


@dataclass
class ImapSettings:
    host: str = "127.0.0.1"
    port: int = 993
    ssl: bool = True
    starttls: bool = False
    username: str = ""
    password: str = ""
    inbox: str = "INBOX"


@dataclass
class EwsSettings:
    server: str = ""
    service_endpoint: str = ""
    mailbox: str = ""
    auth: str = "ntlm"
    username: str = ""
    password: str = ""
    tenant_id: str = ""
    client_id: str = ""
    client_secret: str = ""


@dataclass
class GraphSettings:
    tenant_id: str = ""
    client_id: str = ""
    client_secret: str = ""
    mailbox: str = ""
    authority_host: str = "https://login.microsoftonline.com"
    endpoint: str = "https://graph.microsoft.com/v1.0"


@dataclass
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 25
    starttls: bool = False
    ssl: bool = False
    username: str = ""
    password: str = ""


@dataclass
class MeetingSettings:
    """The CSE meeting: weekdays, time, cut-off, and days without one.

    ``bank_holidays``: no meeting on England and Wales bank holidays. ``closures``: further
    dates (YYYY-MM-DD) without a meeting, such as the Christmas closure.
    """

    days: list[str] = field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"])
    time: str = "09:30"
    cutoff: str = "08:00"
    timezone: str = "Europe/London"
    bank_holidays: bool = True
    closures: list[str] = field(default_factory=list)


@dataclass
class ReviewSettings:
    high_weeks: int = 6
    medium_weeks: int = 8
    low_weeks: int = 12
    # Days the worker has after their reminder before MAST is told the review is still overdue.
    escalate_after_days: int = 7

    def weeks_for(self, category: str) -> int:
        return {"high": self.high_weeks, "medium": self.medium_weeks, "low": self.low_weeks}[category]


@dataclass
class WebSettings:
    """The web console (``mast_intake.web``), started by ``run`` unless ``enabled`` is false.

    ``secret_key`` signs session cookies (generated into the data folder when empty).
    ``auth`` is ``local`` (accounts with passwords) or ``trusted_header`` (a single sign-on
    proxy in front passes the user name in ``user_header``; see ``mast_intake.web.auth``).
    ``secure_cookies`` marks the session cookie HTTPS-only: set it when served over HTTPS.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    enabled: bool = True
    secret_key: str = field(default="", repr=False)
    session_minutes: int = 30
    auth: str = "local"
    user_header: str = "X-Remote-User"
    secure_cookies: bool = False


@dataclass
class EncryptionSettings:
    """Encryption at rest (see ``mast_intake.protection.crypto``): no key means plain storage.

    ``keys`` (``MAST_INTAKE_ENCRYPTION_KEYS``, comma-separated) come before the lines of
    ``key_file`` (``MAST_INTAKE_ENCRYPTION_KEY_FILE``, outside the data folder, mode 0600); the
    first key of the combined list encrypts. ``required`` refuses to start without a key.
    """

    keys: list[str] = field(default_factory=list, repr=False)
    key_file: str = ""
    required: bool = False


@dataclass
class RetentionSettings:
    """How long data is kept (see ``mast_intake.protection.retention``); 0 days keeps for ever.

    ``attachment_days``: original attachments, counted from the MAST decision (from arrival for
    a tool never decided). ``mail_days``: emails in the embedded Maildir folders and sent rows of
    the outbox table, by age. ``record_days``: a child's structured records, from the child's
    last activity, per the council's retention schedule. ``purge_time``: the nightly job's
    local time (meeting time zone).
    """

    attachment_days: int = 90
    mail_days: int = 90
    record_days: int = 0
    purge_time: str = "02:30"


SENDER_VERIFICATION_MODES = ("authentication-results", "exchange-internal", "none")


@dataclass
class ExchangeOrganisationSettings:
    """How ``exchange-internal`` sender verification recognises our own Exchange organisation.

    ``auth_sources``: host names of our Exchange servers that may appear in
    ``X-MS-Exchange-Organization-AuthSource``; an entry starting with ``.`` matches any host
    under it. ``tenant_id``: the Microsoft 365 tenant GUID that ``X-MS-Exchange-CrossTenant-Id``
    must carry (Exchange Online, whose servers are shared by every tenant).
    """

    auth_sources: list[str] = field(default_factory=list)
    tenant_id: str = ""


@dataclass
class Settings:
    data_dir: Path = Path("var")
    database_url: str = ""
    mailbox: str = "maildir"
    mailer: str = "maildir"
    mast_address: str = "nymast@northyorks.gov.uk"
    admin_address: str = "mast-intake-admin@northyorks.gov.uk"
    allowed_sender_domains: list[str] = field(
        default_factory=lambda: ["northyorks.gov.uk", "northyorkshire.pnn.police.uk"]
    )
    trusted_authserv_ids: list[str] = field(default_factory=list)
    # One of SENDER_VERIFICATION_MODES; empty: authentication-results when trusted_authserv_ids
    # is set, otherwise none (allowed only with the embedded Maildir; see check_sender_verification).
    sender_verification: str = ""
    # With sender_verification "none" on a real mailbox: process unverified mail anyway, marked
    # "sender not verified" in every reply and agenda entry.
    accept_unverified_senders: bool = False
    poll_interval_seconds: int = 60
    max_attempts: int = 3
    max_attachments: int = 10
    max_attachment_bytes: int = 20 * 1024 * 1024
    processed_folder: str = "Processed"
    quarantine_folder: str = "Quarantine"
    spacy_model: str = ""
    # The council's own agency and team acronyms, never read as a person's initials.
    local_acronyms: list[str] = field(
        default_factory=lambda: ["NYC", "NYCC", "NYP", "NYSCP", "NYFRS", "IDAS", "TEWV", "MACE"]
    )
    review_comments_attachment: bool = True
    # A Jinja2 file laying out the case note's block for the case record; "" for the default.
    case_record_template: str = ""
    # For the kill tests only: the name of a step at which the process kills itself.
    crashpoint: str = ""
    log_level: str = "INFO"
    limits: ParseLimits = field(default_factory=ParseLimits)
    imap: ImapSettings = field(default_factory=ImapSettings)
    ews: EwsSettings = field(default_factory=EwsSettings)
    graph: GraphSettings = field(default_factory=GraphSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    meeting: MeetingSettings = field(default_factory=MeetingSettings)
    review: ReviewSettings = field(default_factory=ReviewSettings)
    web: WebSettings = field(default_factory=WebSettings)
    encryption: EncryptionSettings = field(default_factory=EncryptionSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    exchange: ExchangeOrganisationSettings = field(default_factory=ExchangeOrganisationSettings)

    @property
    def senders_unverified(self) -> bool:
        """True when mail is taken from anyone who writes an allowed From address (explicit opt-in):
        every reply and agenda entry then says "sender not verified"."""
        return self.accept_unverified_senders and resolve_sender_verification(self) == "none"

    @property
    def maildir_path(self) -> Path:
        return self.data_dir / "mailbox"

    @property
    def outbox_path(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def attachments_path(self) -> Path:
        return self.data_dir / "attachments"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "mast-intake.db"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path}"


def _coerce(value: object, kind: object, name: str) -> object:
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
        origin = typing.get_origin(kind)
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise ValueError(value)
            return text in {"1", "true", "yes", "on"}
        if kind is int:
            return int(_scalar(value))
        if kind is float:
            return float(_scalar(value))
        if kind is Path:
            return Path(str(value))
        if origin is list:
            if isinstance(value, str):
                return [part.strip() for part in value.split(",") if part.strip()]
            if isinstance(value, list):
                return [str(part) for part in value]
            raise TypeError(value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name} has an unusable value") from exc


def _scalar(value: object) -> str | int | float:
    """A value a number can be read from (TOML gives numbers, the environment strings)."""
    if isinstance(value, str | int | float):
        return value
    raise TypeError(value)


def _apply(target: object, values: Mapping[str, object], where: str) -> None:
    hints = typing.get_type_hints(type(target))
    for key, value in values.items():
        if key not in hints:
            raise ConfigError(f"unknown setting {where}{key}")
        current = getattr(target, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, Mapping):
                raise ConfigError(f"setting {where}{key} must be a table")
            _apply(current, value, f"{where}{key}.")
        else:
            setattr(target, key, _coerce(value, hints[key], where + key))


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"configuration file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"configuration file {path} is not valid TOML: {exc}") from exc


def _from_env(settings: Settings, env: Mapping[str, str]) -> None:
    hints = typing.get_type_hints(Settings)
    for name, kind in hints.items():
        current = getattr(settings, name)
        if dataclasses.is_dataclass(current):
            section = {
                sub: env[f"{PREFIX}{name.upper()}_{sub.upper()}"]
                for sub in typing.get_type_hints(type(current))
                if f"{PREFIX}{name.upper()}_{sub.upper()}" in env
            }
            _apply(current, section, f"{name}.")
        elif f"{PREFIX}{name.upper()}" in env:
            setattr(settings, name, _coerce(env[f"{PREFIX}{name.upper()}"], kind, name))


def load_settings(env: Mapping[str, str] | None = None, config_file: Path | None = None) -> Settings:
    """Build the settings object; raises ConfigError naming the bad setting."""
    env = os.environ if env is None else env
    settings = Settings()
    config_file = config_file or (Path(env[f"{PREFIX}CONFIG"]) if f"{PREFIX}CONFIG" in env else None)
    if config_file:
        _apply(settings, _read_toml(config_file), "")
    if f"{PREFIX}SECRETS_FILE" in env:
        _apply(settings, _read_toml(Path(env[f"{PREFIX}SECRETS_FILE"])), "")
    _from_env(settings, env)
    if settings.mailbox not in {"maildir", "imap", "ews", "graph"}:
        raise ConfigError("setting mailbox must be one of maildir, imap, ews, graph")
    if settings.mailer not in {"maildir", "smtp", "ews", "graph"}:
        raise ConfigError("setting mailer must be one of maildir, smtp, ews, graph")
    if settings.web.auth not in {"local", "trusted_header"}:
        raise ConfigError("setting web.auth must be one of local, trusted_header")
    if settings.web.session_minutes < 1:
        raise ConfigError("setting web.session_minutes must be at least 1")
    settings.allowed_sender_domains = [d.lower().lstrip("@") for d in settings.allowed_sender_domains]
    settings.sender_verification = resolve_sender_verification(settings)
    return settings


def resolve_sender_verification(settings: Settings) -> str:
    """The sender verification mode in force; raises ConfigError for one the mailbox may not use.

    ``none`` is for the embedded Maildir (demo and tests); on IMAP, EWS or Graph it is refused
    unless ``accept_unverified_senders`` says so outright.
    """
    mode = settings.sender_verification.strip().lower()
    if not mode:
        mode = "authentication-results" if settings.trusted_authserv_ids else "none"
    if mode not in SENDER_VERIFICATION_MODES:
        raise ConfigError("setting sender_verification must be one of "
                          + ", ".join(SENDER_VERIFICATION_MODES))
    if mode == "authentication-results" and not settings.trusted_authserv_ids:
        raise ConfigError("sender_verification authentication-results needs trusted_authserv_ids: "
                          "set MAST_INTAKE_TRUSTED_AUTHSERV_IDS to your own mail servers' ids")
    if mode == "exchange-internal" and settings.mailbox not in ("ews", "graph"):
        # Only Exchange's header firewall keeps a sender from writing these headers themselves.
        raise ConfigError("sender_verification exchange-internal needs the ews or graph mailbox")
    if mode == "exchange-internal" and not (settings.exchange.auth_sources or settings.exchange.tenant_id):
        raise ConfigError("sender_verification exchange-internal needs MAST_INTAKE_EXCHANGE_AUTH_SOURCES "
                          "(your Exchange servers) or MAST_INTAKE_EXCHANGE_TENANT_ID (Exchange Online)")
    if mode == "none" and settings.mailbox != "maildir" and not settings.accept_unverified_senders:
        raise ConfigError(f"the {settings.mailbox} mailbox needs sender verification: set "
                          "MAST_INTAKE_SENDER_VERIFICATION to authentication-results or exchange-internal "
                          "(or MAST_INTAKE_ACCEPT_UNVERIFIED_SENDERS=true to take mail from anyone who "
                          "writes an allowed From address)")
    return mode
