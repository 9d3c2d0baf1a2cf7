"""The exchangelib account shared by the EWS mailbox and the EWS mailer.

The account is built without autodiscover and with the server version pinned, so that creating it
sends nothing and the first request is a real operation (autodiscover and version guessing would
each probe the network first). NTLM and basic auth use the settings' username and password with
delegate access (the account's own mailbox, or a service account with FullAccess on it); OAuth 2
uses the client credentials grant with impersonation of the one mailbox, which is the only access
type EWS accepts for app-only tokens.
"""

from __future__ import annotations

import logging
from contextlib import suppress

from exchangelib import (
    BASIC,
    DELEGATE,
    IMPERSONATION,
    NTLM,
    OAUTH2,
    UTC,
    Account,
    Build,
    Configuration,
    Credentials,
    Identity,
    OAuth2Credentials,
    Version,
)
from exchangelib.errors import EWSError, MultipleObjectsReturned
from exchangelib.protocol import FailFast, Protocol
from oauthlib.oauth2 import OAuth2Error
from requests import RequestException

from mast_intake.config.settings import ConfigError, EwsSettings

# Exchange 2016's schema is understood by Exchange Server 2016, 2019 and Subscription Edition and by
# Exchange Online, and pinning it saves the version-guessing request.
EWS_VERSION = Version(build=Build(15, 1))
AUTH_TYPES = {"ntlm": NTLM, "basic": BASIC, "oauth": OAUTH2}
# Everything exchangelib, requests or oauthlib raise for a failed call; adapters translate these.
EWS_ERRORS: tuple[type[Exception], ...] = (
    EWSError,
    MultipleObjectsReturned,
    RequestException,
    OAuth2Error,
    OSError,
)


def _require(settings: EwsSettings, *names: str) -> None:
    """Raise ConfigError naming the first of ``names`` that is empty."""
    for name in names:
        if not getattr(settings, name):
            raise ConfigError(f"setting ews.{name} is required for ews.auth={settings.auth}")


def service_endpoint(settings: EwsSettings) -> str:
    """The EWS URL: ``service_endpoint`` as given, or the usual path on ``server``."""
    if settings.service_endpoint:
        return settings.service_endpoint
    if settings.server:
        return f"https://{settings.server}/EWS/Exchange.asmx"
    raise ConfigError("setting ews.service_endpoint (or ews.server) is required")


def quiet_library_logs() -> None:
    """Stop exchangelib and requests-oauthlib logging request bodies and secrets.

    exchangelib logs the whole SOAP request at ERROR when a request fails unexpectedly (for
    CreateItem that is the outgoing message, base64) and every request and response at DEBUG;
    requests-oauthlib logs the token request body, client secret included, at DEBUG. The adapters
    turn every failure into MailboxError/MailerError naming the operation and error, so nothing
    useful is lost.
    """
    logging.getLogger("exchangelib").setLevel(logging.CRITICAL)
    logging.getLogger("requests_oauthlib").setLevel(logging.WARNING)
    logging.getLogger("oauthlib").setLevel(logging.WARNING)


def build_account(settings: EwsSettings) -> Account:
    """An exchangelib Account for ``settings.mailbox``; sends no request."""
    quiet_library_logs()
    auth = settings.auth.strip().lower()
    if auth not in AUTH_TYPES:
        raise ConfigError("setting ews.auth must be one of ntlm, basic, oauth")
    if "@" not in settings.mailbox:
        raise ConfigError("setting ews.mailbox must be the mailbox's email address")
    endpoint = service_endpoint(settings)
    if not endpoint.lower().startswith("https://"):
        # Basic auth would send the password in clear, NTLM would expose the session.
        raise ConfigError("setting ews.service_endpoint must be an https:// URL")
    if auth == "oauth":
        _require(settings, "tenant_id", "client_id", "client_secret")
        credentials: Credentials | OAuth2Credentials = OAuth2Credentials(
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            tenant_id=settings.tenant_id,
            identity=Identity(primary_smtp_address=settings.mailbox),
        )
        access_type = IMPERSONATION
    else:
        _require(settings, "username", "password")
        credentials = Credentials(settings.username, settings.password)
        access_type = DELEGATE
    config = Configuration(
        credentials=credentials,
        service_endpoint=endpoint,
        auth_type=AUTH_TYPES[auth],
        version=EWS_VERSION,
        # The poll cycle retries on its own schedule; exchangelib must not sleep and retry inside it.
        retry_policy=FailFast(),
        max_connections=1,
    )
    return Account(
        primary_smtp_address=settings.mailbox,
        config=config,
        autodiscover=False,
        access_type=access_type,
        # Only used to read naive datetimes; UTC avoids a warning where the host has no zone set.
        default_timezone=UTC,
    )


def close_account(account: Account) -> None:
    """Close the account's HTTP sessions and forget exchangelib's cached protocol for it."""
    protocol = account.protocol
    with suppress(*EWS_ERRORS):
        protocol.close()
    # exchangelib caches one Protocol per endpoint and credentials for the life of the process;
    # dropping it means a new adapter starts with fresh sessions (and a fresh OAuth token).
    with suppress(KeyError):
        del Protocol[protocol.config]


def error_name(exc: BaseException) -> str:
    """A safe description of a library error: its class name and, for HTTP errors, the status.

    exchangelib's messages can quote server responses (which may hold message content), so the
    adapters never repeat ``str(exc)``.
    """
    status = getattr(getattr(exc, "response", None), "status_code", None)
    return f"{type(exc).__name__} (HTTP {status})" if status else type(exc).__name__
