"""GraphMailer against recorded Graph answers: one sendMail POST with the base64 MIME message;
the port's contract is in tests/integration/contracts."""

from __future__ import annotations

import base64

import pytest
import requests_mock

from mast_intake.config.settings import ConfigError
from mast_intake.intake.adapters.graph import GraphMailbox
from mast_intake.intake.adapters.graph_client import GraphClient
from mast_intake.notifier.adapters.graph import GraphMailer
from mast_intake.ports.mailer import MailerError
from tests.fixtures.graph_server import (
    ACCESS_TOKEN,
    BASE,
    CLIENT_SECRET,
    graph_requests,
    login_requests,
    recorded,
    register_login,
    settings,
)
from tests.mail_factory import reply

SEND = f"{BASE}/sendMail"


@pytest.fixture
def mailer(graph_client: GraphClient) -> GraphMailer:
    return GraphMailer(settings(), client=graph_client)


def test_send_posts_the_base64_mime_message_to_send_mail(
    graph_mocker: requests_mock.Mocker, mailer: GraphMailer
) -> None:
    graph_mocker.post(SEND, status_code=202)
    message = reply()

    mailer.send(message)

    (request,) = graph_requests(graph_mocker)
    assert (request.method, request.url) == ("POST", SEND)
    assert request.headers["Content-Type"] == "text/plain"
    assert request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    sent = base64.b64decode(request.body, validate=True)
    assert sent == message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    assert b"Message-ID: <mast-intake-test-1@example.invalid>\r\n" in sent


def test_send_is_retried_after_throttling(
    graph_mocker: requests_mock.Mocker, mailer: GraphMailer, graph_sleeps: list[float]
) -> None:
    graph_mocker.post(
        SEND,
        [
            {"status_code": 429, "headers": {"Retry-After": "2"}, "json": recorded("error_throttled.json")},
            {"status_code": 202},
        ],
    )
    mailer.send(reply())
    assert graph_sleeps == [2.0] and len(graph_requests(graph_mocker)) == 2


def test_a_refused_send_is_a_mailer_error_without_content(
    graph_mocker: requests_mock.Mocker, mailer: GraphMailer
) -> None:
    # Graph's own message for this error quotes the subject; only the code may be repeated.
    graph_mocker.post(SEND, status_code=413, json=recorded("error_too_large.json"))
    with pytest.raises(MailerError) as caught:
        mailer.send(reply())
    assert "send mail" in str(caught.value) and "HTTP 413 ErrorMessageSizeExceeded" in str(caught.value)
    assert "fictional" not in str(caught.value) and "Subject" not in str(caught.value)


def test_a_refused_token_is_a_mailer_error_without_the_secret(graph_mocker: requests_mock.Mocker) -> None:
    register_login(graph_mocker, token="token_invalid_client.json", status=401)
    with pytest.raises(MailerError) as caught:
        GraphMailer(settings()).send(reply())
    assert "invalid_client" in str(caught.value) and CLIENT_SECRET not in str(caught.value)
    assert graph_requests(graph_mocker) == []


def test_mailer_and_mailbox_can_share_one_client_and_token(graph_mocker: requests_mock.Mocker) -> None:
    graph_mocker.post(SEND, status_code=202)
    graph_mocker.get(f"{BASE}/mailFolders/inbox/messages", json=recorded("inbox_empty.json"))
    client = GraphClient(settings())
    list(GraphMailbox(settings(), client=client).pending())
    GraphMailer(settings(), client=client).send(reply())
    assert [r.method for r in login_requests(graph_mocker)] == ["GET", "POST"]  # one token for both


def test_missing_settings_raise_config_error() -> None:
    with pytest.raises(ConfigError, match="graph.client_id"):
        GraphMailer(settings(client_id=""))
