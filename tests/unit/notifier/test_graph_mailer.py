"""GraphMailer against recorded Graph answers: one sendMail POST with the base64 MIME message."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
import requests_mock

from mast_intake.config.settings import ConfigError
from mast_intake.intake.adapters.graph import GraphMailbox
from mast_intake.intake.adapters.graph_client import GraphClient
from mast_intake.notifier.adapters.graph import GraphMailer
from mast_intake.ports.mailer import MailerError
from tests.unit.intake.graph_server import (
    ACCESS_TOKEN,
    BASE,
    CLIENT_SECRET,
    graph_requests,
    login_requests,
    recorded,
    register_login,
    settings,
)

SEND = f"{BASE}/sendMail"


def outgoing() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "MAST Intake Test <mast@example.invalid>"
    message["To"] = "Alex Testworker <alex.testworker@example.invalid>"
    message["Subject"] = "Received: risk tool for a fictional test child"
    message["Date"] = "Mon, 02 Mar 2026 08:20:00 +0000"
    message["Message-ID"] = "<mast-intake-test-0002@example.invalid>"
    message["Auto-Submitted"] = "auto-replied"
    message.set_content("Thank you. This is a fictional test reply.\n")
    return message


@pytest.fixture
def mocker() -> Iterator[requests_mock.Mocker]:
    with requests_mock.Mocker() as m:
        register_login(m)
        yield m


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def mailer(sleeps: list[float]) -> GraphMailer:
    return GraphMailer(settings(), client=GraphClient(settings(), sleep=sleeps.append))


def test_send_posts_the_base64_mime_message_to_send_mail(
    mocker: requests_mock.Mocker, mailer: GraphMailer
) -> None:
    mocker.post(SEND, status_code=202)
    message = outgoing()

    mailer.send(message)

    (request,) = graph_requests(mocker)
    assert (request.method, request.url) == ("POST", SEND)
    assert request.headers["Content-Type"] == "text/plain"
    assert request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    sent = base64.b64decode(request.body, validate=True)
    assert sent == message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    assert b"Message-ID: <mast-intake-test-0002@example.invalid>\r\n" in sent


def test_send_is_retried_after_throttling(
    mocker: requests_mock.Mocker, mailer: GraphMailer, sleeps: list[float]
) -> None:
    mocker.post(
        SEND,
        [
            {"status_code": 429, "headers": {"Retry-After": "2"}, "json": recorded("error_throttled.json")},
            {"status_code": 202},
        ],
    )
    mailer.send(outgoing())
    assert sleeps == [2.0] and len(graph_requests(mocker)) == 2


def test_a_refused_send_is_a_mailer_error_without_content(
    mocker: requests_mock.Mocker, mailer: GraphMailer
) -> None:
    # Graph's own message for this error quotes the subject; only the code may be repeated.
    mocker.post(SEND, status_code=413, json=recorded("error_too_large.json"))
    with pytest.raises(MailerError) as caught:
        mailer.send(outgoing())
    assert "send mail" in str(caught.value) and "HTTP 413 ErrorMessageSizeExceeded" in str(caught.value)
    assert "fictional" not in str(caught.value) and "Subject" not in str(caught.value)


def test_a_refused_token_is_a_mailer_error_without_the_secret(mocker: requests_mock.Mocker) -> None:
    register_login(mocker, token="token_invalid_client.json", status=401)
    with pytest.raises(MailerError) as caught:
        GraphMailer(settings()).send(outgoing())
    assert "invalid_client" in str(caught.value) and CLIENT_SECRET not in str(caught.value)
    assert graph_requests(mocker) == []


def test_mailer_and_mailbox_can_share_one_client_and_token(mocker: requests_mock.Mocker) -> None:
    mocker.post(SEND, status_code=202)
    mocker.get(f"{BASE}/mailFolders/inbox/messages", json=recorded("inbox_empty.json"))
    client = GraphClient(settings())
    list(GraphMailbox(settings(), client=client).pending())
    GraphMailer(settings(), client=client).send(outgoing())
    assert [r.method for r in login_requests(mocker)] == ["GET", "POST"]  # one token for both


def test_missing_settings_raise_config_error() -> None:
    with pytest.raises(ConfigError, match="graph.client_id"):
        GraphMailer(settings(client_id=""))
