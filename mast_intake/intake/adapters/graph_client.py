"""The Microsoft Graph client shared by the Graph mailbox and the Graph mailer.

App-only: an MSAL ``ConfidentialClientApplication`` gets tokens by the client credentials grant
for ``https://graph.microsoft.com/.default`` and keeps them in MSAL's own in-memory cache, asking
again shortly before expiry. Requests go through one ``requests.Session`` with a timeout; 429 and
503 answers are retried a few times after the ``Retry-After`` the server asked for (bounded), then
reported. Errors are :class:`GraphError`, which the adapters turn into ``MailboxError`` or
``MailerError``; their messages hold the operation, the host, the HTTP status and Graph's error
code, never a response body, a token or the client secret.
"""

from __future__ import annotations

import email.utils
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import msal
import requests

from mast_intake.config.settings import ConfigError, GraphSettings

SCOPES = ["https://graph.microsoft.com/.default"]
RETRY_STATUSES = frozenset({429, 503})
MAX_RETRIES = 2
MAX_RETRY_WAIT = 30.0  # seconds; longer waits are left to the next poll cycle
DEFAULT_RETRY_WAIT = 2.0
TIMEOUT = 60.0


class GraphError(Exception):
    """A Graph call or token request failed; the message is safe to log."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def _error_code(response: requests.Response) -> str | None:
    """Graph's ``error.code`` from a JSON error body, if there is one."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    # Codes are short identifiers; anything else is not repeated.
    return code if isinstance(code, str) and re.fullmatch(r"[A-Za-z0-9_.]{1,80}", code) else None


def retry_after(response: requests.Response) -> float:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), bounded."""
    value = response.headers.get("Retry-After", "").strip()
    wait = DEFAULT_RETRY_WAIT
    if value.isdigit():
        wait = float(value)
    elif value:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            wait = (when - datetime.now(UTC)).total_seconds()
    return min(max(wait, 0.0), MAX_RETRY_WAIT)


class GraphClient:
    """Authenticated calls to Graph for one mailbox.

    ``settings`` gives the tenant, the app registration and the mailbox. ``session`` and
    ``sleep`` are for tests. Creating the client sends nothing: MSAL is set up on the first token
    request, because MSAL looks up the tenant's OpenID configuration when it starts.
    """

    def __init__(
        self,
        settings: GraphSettings,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        for name in ("tenant_id", "client_id", "client_secret", "mailbox"):
            if not getattr(settings, name):
                raise ConfigError(f"setting graph.{name} is required")
        if "@" not in settings.mailbox:
            raise ConfigError("setting graph.mailbox must be the mailbox's email address")
        for name in ("authority_host", "endpoint"):
            if not getattr(settings, name).lower().startswith("https://"):
                raise ConfigError(f"setting graph.{name} must be an https:// URL")
        self.settings = settings
        self.endpoint = settings.endpoint.rstrip("/")
        self.host = urlsplit(self.endpoint).hostname or "graph"
        self.mailbox_url = f"{self.endpoint}/users/{quote(settings.mailbox, safe='@')}"
        self.session = session or requests.Session()
        self.sleep = sleep
        self._app: msal.ConfidentialClientApplication | None = None
        self._lock = threading.Lock()
        # msal logs at DEBUG what it sends; keep request details out of the service's logs.
        logging.getLogger("msal").setLevel(logging.WARNING)

    def _application(self) -> msal.ConfidentialClientApplication:
        with self._lock:
            if self._app is None:
                authority = f"{self.settings.authority_host.rstrip('/')}/{self.settings.tenant_id}"
                self._app = msal.ConfidentialClientApplication(
                    self.settings.client_id,
                    authority=authority,
                    client_credential=self.settings.client_secret,
                    # The tenant is known and fixed: skip the instance-discovery request.
                    instance_discovery=False,
                    http_client=self.session,
                    timeout=TIMEOUT,
                )
            return self._app

    def token(self) -> str:
        """A current access token for Graph, from MSAL's cache when it has one."""
        authority_host = urlsplit(self.settings.authority_host).hostname
        try:
            result = self._application().acquire_token_for_client(scopes=SCOPES)
        except (requests.RequestException, ValueError) as exc:
            # MSAL raises ValueError when it cannot read the tenant's OpenID configuration.
            self._app = None
            raise GraphError(f"token request to {authority_host} failed: {type(exc).__name__}") from None
        token = result.get("access_token") if isinstance(result, dict) else None
        if not token:
            error = result.get("error", "no token") if isinstance(result, dict) else "no token"
            # The AADSTS number identifies the cause (e.g. 7000215, wrong secret) without the text.
            codes = result.get("error_codes") if isinstance(result, dict) else None
            detail = f" (AADSTS{codes[0]})" if codes else ""
            raise GraphError(f"token request to {authority_host} refused: {error}{detail}", code=str(error))
        return token

    def request(
        self,
        operation: str,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send one Graph request, retrying 429/503 after Retry-After; raise GraphError if not 2xx."""
        if not url.startswith(self.endpoint + "/"):
            # Only ever send the token to the configured Graph endpoint (nextLink comes from a reply).
            raise GraphError(f"Graph {operation}: refusing a URL outside {self.host}")
        for attempt in range(MAX_RETRIES + 1):
            all_headers = {"Authorization": f"Bearer {self.token()}", **(headers or {})}
            try:
                response = self.session.request(
                    method, url, params=params, json=json, data=data, headers=all_headers, timeout=TIMEOUT
                )
            except requests.RequestException as exc:
                raise GraphError(f"Graph {operation} on {self.host} failed: {type(exc).__name__}") from None
            if response.status_code in RETRY_STATUSES and attempt < MAX_RETRIES:
                self.sleep(retry_after(response))
                continue
            if response.ok:
                return response
            code = _error_code(response)
            raise GraphError(
                f"Graph {operation} on {self.host} failed: HTTP {response.status_code}"
                + (f" {code}" if code else ""),
                status=response.status_code,
                code=code,
            )
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def close(self) -> None:
        self.session.close()
