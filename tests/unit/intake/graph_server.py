"""Shared pieces for the Graph adapter tests: fictional settings, recorded answers, URL helpers.

The recorded answers live in tests/fixtures/graph; every id, address and secret is fictional.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import requests_mock

from mast_intake.config.settings import GraphSettings

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "graph"
TENANT_ID = "00000000-0000-4000-8000-00000000feed"
CLIENT_ID = "00000000-0000-4000-8000-0000000c1e47"
CLIENT_SECRET = "fake-graph-client-secret-for-tests"
MAILBOX = "mast@example.invalid"
AUTHORITY = f"https://login.microsoftonline.com/{TENANT_ID}"
OPENID_URL = f"{AUTHORITY}/v2.0/.well-known/openid-configuration"
TOKEN_URL = f"{AUTHORITY}/oauth2/v2.0/token"
ACCESS_TOKEN = "fake-graph-access-token"
BASE = f"https://graph.microsoft.com/v1.0/users/{MAILBOX}"
MSG = {
    1: "AAMkAGZpY3Rpb25hbC1tYXN0LWdyYXBoLW1zZy0xAAA=",
    2: "AAMkAGZpY3Rpb25hbC1tYXN0LWdyYXBoLW1zZy0yAAA=",
    3: "AAMkAGZpY3Rpb25hbC1tYXN0LWdyYXBoLW1zZy0zAAA=",
}
PROCESSED_ID = "AAMkAGZpY3Rpb25hbC1tYXN0LWdyYXBoLWZvbGRlci1wcm9jZXNzZWQAAA=="
QUARANTINE_ID = "AAMkAGZpY3Rpb25hbC1tYXN0LWdyYXBoLWZvbGRlci1xdWFyYW50aW5lAAA="


def settings(**changes: str) -> GraphSettings:
    values = {
        "tenant_id": TENANT_ID,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "mailbox": MAILBOX,
    }
    values.update(changes)
    return GraphSettings(**values)


def recorded(name: str) -> Any:
    """A recorded JSON answer."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def message_url(number: int, suffix: str = "") -> str:
    """The URL of one message, its id quoted as the adapter quotes it."""
    return f"{BASE}/messages/{quote(MSG[number], safe='')}{suffix}"


def query(request: Any) -> dict[str, str]:
    """A request's query parameters, decoded, with their case kept."""
    return dict(parse_qsl(urlsplit(request.url).query, keep_blank_values=True))


def path(request: Any) -> str:
    return urlsplit(request.url).path


def register_login(mocker: requests_mock.Mocker, token: str = "token.json", status: int = 200) -> None:
    """Answer MSAL's tenant discovery and token requests."""
    mocker.get(OPENID_URL, json=recorded("openid-configuration.json"))
    mocker.post(TOKEN_URL, json=recorded(token), status_code=status)


def graph_requests(mocker: requests_mock.Mocker) -> list[Any]:
    """The requests that went to Graph (not to the login endpoints)."""
    return [r for r in mocker.request_history if r.url.startswith("https://graph.microsoft.com/")]


def login_requests(mocker: requests_mock.Mocker) -> list[Any]:
    return [r for r in mocker.request_history if r.url.startswith("https://login.microsoftonline.com/")]
