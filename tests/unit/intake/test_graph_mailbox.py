"""GraphMailbox against recorded Graph answers: the URLs, parameters and bodies it sends, login,
throttling and the server's quirks; the port's contract is in tests/integration/contracts."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import requests_mock

from mast_intake.config.settings import ConfigError
from mast_intake.intake.adapters.graph import GraphMailbox, odata_string
from mast_intake.intake.adapters.graph_client import GraphClient
from mast_intake.ports.mailbox import MailboxError
from tests.fixtures.graph_server import (
    ACCESS_TOKEN,
    BASE,
    CLIENT_ID,
    CLIENT_SECRET,
    MSG,
    OPENID_URL,
    PROCESSED_ID,
    QUARANTINE_ID,
    TOKEN_URL,
    graph_requests,
    login_requests,
    message_url,
    path,
    query,
    recorded,
    register_login,
    settings,
)

MESSAGE = Path(__file__).resolve().parents[2] / "fixtures" / "graph" / "message.eml"
INBOX = f"{BASE}/mailFolders/inbox/messages"
FOLDERS = f"{BASE}/mailFolders"
INBOX_CHILDREN = f"{BASE}/mailFolders/inbox/childFolders"


@pytest.fixture
def mailbox(graph_client: GraphClient) -> GraphMailbox:
    return GraphMailbox(settings(), "Processed", "Quarantine", client=graph_client)


def filter_of(request) -> str:
    return query(request)["$filter"]


# --- construction and login ---------------------------------------------------------------------


def test_creating_the_adapter_sends_nothing(graph_mocker: requests_mock.Mocker) -> None:
    GraphMailbox(settings())
    assert graph_mocker.request_history == []


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"tenant_id": ""}, "graph.tenant_id"),
        ({"client_secret": ""}, "graph.client_secret"),
        ({"mailbox": "mast"}, "graph.mailbox"),
        ({"endpoint": "http://graph.example.invalid/v1.0"}, "graph.endpoint"),
    ],
)
def test_bad_settings_raise_config_error(changes: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named) as caught:
        GraphMailbox(settings(**changes))
    assert CLIENT_SECRET not in str(caught.value)


def test_token_comes_from_the_client_credentials_grant_once(
    graph_mocker: requests_mock.Mocker, mailbox: GraphMailbox
) -> None:
    graph_mocker.get(INBOX, json=recorded("inbox_empty.json"))

    list(mailbox.pending())
    list(mailbox.pending())

    # MSAL reads the tenant's OpenID configuration, then asks for one token and caches it.
    logins = login_requests(graph_mocker)
    assert [(r.method, r.url) for r in logins] == [("GET", OPENID_URL), ("POST", TOKEN_URL)]
    form = dict(parse_qsl(logins[1].text))
    assert form["grant_type"] == "client_credentials"
    assert form["client_id"] == CLIENT_ID
    assert form["scope"] == "https://graph.microsoft.com/.default"
    for request in graph_requests(graph_mocker):
        assert request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
        assert CLIENT_SECRET not in str(request.headers) and CLIENT_SECRET not in request.url


def test_a_refused_token_is_a_mailbox_error_without_the_secret(graph_mocker: requests_mock.Mocker) -> None:
    register_login(graph_mocker, token="token_invalid_client.json", status=401)
    with pytest.raises(MailboxError) as caught:
        list(GraphMailbox(settings()).pending())
    message = str(caught.value)
    assert "invalid_client" in message and "AADSTS7000215" in message
    assert CLIENT_SECRET not in message and "Trace ID" not in message
    assert graph_requests(graph_mocker) == []


def test_an_unreachable_login_is_a_mailbox_error(graph_mocker: requests_mock.Mocker) -> None:
    graph_mocker.get(OPENID_URL, exc=requests.exceptions.ConnectTimeout)
    with pytest.raises(MailboxError, match="login.microsoftonline.com"):
        list(GraphMailbox(settings()).pending())


# --- pending ------------------------------------------------------------------------------------


def test_pending_lists_the_inbox_oldest_first_following_next_link(
    graph_mocker: requests_mock.Mocker, mailbox: GraphMailbox
) -> None:
    page1 = recorded("inbox_page1.json")
    graph_mocker.get(INBOX, [{"json": page1}, {"json": recorded("inbox_page2.json")}])

    keys = mailbox.pending()
    first = next(keys)

    # Every page was read before the first key came out.
    first_page, second_page = graph_requests(graph_mocker)
    assert [first, *keys] == [MSG[1], MSG[2], MSG[3]]
    assert path(first_page) == "/v1.0/users/mast@example.invalid/mailFolders/inbox/messages"
    assert query(first_page) == {
        "$select": "id,receivedDateTime",
        "$orderby": "receivedDateTime asc",
        "$top": "50",
    }
    # The nextLink is followed as given (requests only normalises the case of %-escapes).
    next_link = urlsplit(page1["@odata.nextLink"])
    assert path(second_page) == next_link.path
    assert query(second_page) == dict(parse_qsl(next_link.query)) | {"$skip": "2"}


def test_a_next_link_to_another_host_is_refused(
    graph_mocker: requests_mock.Mocker, mailbox: GraphMailbox
) -> None:
    page = recorded("inbox_page1.json")
    page["@odata.nextLink"] = "https://elsewhere.example.invalid/v1.0/users/x/messages?$skip=2"
    graph_mocker.get(INBOX, json=page)
    with pytest.raises(MailboxError, match="refusing"):
        list(mailbox.pending())
    assert len(graph_requests(graph_mocker)) == 1


# --- throttling and errors ----------------------------------------------------------------------


def test_throttling_waits_for_retry_after_then_succeeds(
    graph_mocker: requests_mock.Mocker, mailbox: GraphMailbox, graph_sleeps: list[float]
) -> None:
    graph_mocker.get(
        INBOX,
        [
            {"status_code": 429, "headers": {"Retry-After": "7"}, "json": recorded("error_throttled.json")},
            {
                "status_code": 503,
                "headers": {"Retry-After": "3600"},
                "json": recorded("error_unavailable.json"),
            },
            {"json": recorded("inbox_page2.json")},
        ],
    )
    assert list(mailbox.pending()) == [MSG[3]]
    # 7 seconds as asked; an hour is capped, the next poll cycle can wait instead.
    assert graph_sleeps == [7.0, 30.0]


def test_throttling_that_lasts_becomes_a_mailbox_error(
    graph_mocker: requests_mock.Mocker, mailbox: GraphMailbox, graph_sleeps: list[float]
) -> None:
    graph_mocker.get(INBOX, status_code=503, json=recorded("error_unavailable.json"))
    with pytest.raises(MailboxError) as caught:
        list(mailbox.pending())
    assert "HTTP 503 ServiceUnavailable" in str(caught.value)
    assert "mast@example.invalid" not in str(caught.value)
    assert len(graph_sleeps) == 2 and len(graph_requests(graph_mocker)) == 3


def test_errors_name_the_code_not_the_server_text(
    graph_mocker: requests_mock.Mocker, mailbox: GraphMailbox
) -> None:
    graph_mocker.get(INBOX, status_code=403, json=recorded("error_access_denied.json"))
    with pytest.raises(MailboxError) as caught:
        list(mailbox.pending())
    assert "list inbox" in str(caught.value) and "HTTP 403 ErrorAccessDenied" in str(caught.value)
    assert "RAOP" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_dropped_connection_is_a_mailbox_error(
    graph_mocker: requests_mock.Mocker, mailbox: GraphMailbox
) -> None:
    graph_mocker.get(INBOX, exc=requests.exceptions.ConnectionError)
    with pytest.raises(MailboxError, match="ConnectionError"):
        list(mailbox.pending())


# --- fetch --------------------------------------------------------------------------------------


def test_fetch_returns_the_exact_mime_bytes(
    graph_mocker: requests_mock.Mocker, mailbox: GraphMailbox
) -> None:
    raw = MESSAGE.read_bytes()
    graph_mocker.get(message_url(1, "/$value"), content=raw, headers={"Content-Type": "text/plain"})

    assert mailbox.fetch(MSG[1]) == raw

    (request,) = graph_requests(graph_mocker)
    assert request.method == "GET"
    # The id's "=" is quoted in the path.
    assert (
        path(request) == "/v1.0/users/mast@example.invalid/messages/" + MSG[1].replace("=", "%3D") + "/$value"
    )
    assert request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"


# --- move ---------------------------------------------------------------------------------------


def test_move_to_an_existing_top_level_folder(
    graph_mocker: requests_mock.Mocker, mailbox: GraphMailbox
) -> None:
    graph_mocker.get(FOLDERS, json=recorded("folders_processed.json"))
    graph_mocker.post(message_url(1, "/move"), status_code=201, json=recorded("message_moved.json"))
    graph_mocker.post(message_url(2, "/move"), status_code=201, json=recorded("message_moved.json"))

    mailbox.move(MSG[1], "Processed")
    mailbox.move(MSG[2], "Processed")

    lookup, first, second = graph_requests(graph_mocker)
    assert (lookup.method, path(lookup)) == ("GET", "/v1.0/users/mast@example.invalid/mailFolders")
    assert query(lookup) == {"$filter": "displayName eq 'Processed'", "$select": "id,displayName"}
    assert first.method == "POST" and first.json() == {"destinationId": PROCESSED_ID}
    assert first.url == message_url(1, "/move")
    assert second.url == message_url(2, "/move") and second.json() == {"destinationId": PROCESSED_ID}


def test_move_finds_a_folder_inside_the_inbox(
    graph_mocker: requests_mock.Mocker, mailbox: GraphMailbox
) -> None:
    graph_mocker.get(FOLDERS, json=recorded("folders_empty.json"))
    graph_mocker.get(INBOX_CHILDREN, json=recorded("folders_processed.json"))
    graph_mocker.post(message_url(1, "/move"), status_code=201, json=recorded("message_moved.json"))

    mailbox.move(MSG[1], "Processed")

    top, inbox, move = graph_requests(graph_mocker)
    assert path(inbox) == "/v1.0/users/mast@example.invalid/mailFolders/inbox/childFolders"
    assert filter_of(top) == filter_of(inbox) == "displayName eq 'Processed'"
    assert move.json() == {"destinationId": PROCESSED_ID}


def test_move_creates_a_missing_folder_at_the_top(
    graph_mocker: requests_mock.Mocker, mailbox: GraphMailbox
) -> None:
    graph_mocker.get(FOLDERS, json=recorded("folders_empty.json"))
    graph_mocker.get(INBOX_CHILDREN, json=recorded("folders_empty.json"))
    graph_mocker.post(FOLDERS, status_code=201, json=recorded("folder_created.json"))
    graph_mocker.post(message_url(3, "/move"), status_code=201, json=recorded("message_moved.json"))

    mailbox.move(MSG[3], "Quarantine")

    *_, create, move = graph_requests(graph_mocker)
    assert (create.method, create.url) == ("POST", FOLDERS)
    assert create.json() == {"displayName": "Quarantine"}
    assert move.json() == {"destinationId": QUARANTINE_ID}


def test_move_uses_a_folder_another_worker_created_first(
    graph_mocker: requests_mock.Mocker, mailbox: GraphMailbox
) -> None:
    graph_mocker.get(
        FOLDERS, [{"json": recorded("folders_empty.json")}, {"json": recorded("folders_processed.json")}]
    )
    graph_mocker.get(INBOX_CHILDREN, json=recorded("folders_empty.json"))
    graph_mocker.post(FOLDERS, status_code=409, json=recorded("error_folder_exists.json"))
    graph_mocker.post(message_url(1, "/move"), status_code=201, json=recorded("message_moved.json"))

    mailbox.move(MSG[1], "Processed")

    assert graph_requests(graph_mocker)[-1].json() == {"destinationId": PROCESSED_ID}


def test_a_404_for_a_deleted_folder_looks_the_folder_up_again(
    graph_mocker: requests_mock.Mocker, mailbox: GraphMailbox
) -> None:
    graph_mocker.get(FOLDERS, json=recorded("folders_processed.json"))
    graph_mocker.post(
        message_url(1, "/move"),
        [
            {"status_code": 404, "json": recorded("error_item_not_found.json")},
            {"status_code": 201, "json": recorded("message_moved.json")},
        ],
    )
    graph_mocker.get(message_url(1), json=recorded("message_id_only.json"))

    mailbox.move(MSG[1], "Processed")

    assert [(r.method, path(r).rsplit("/", 1)[-1]) for r in graph_requests(graph_mocker)] == [
        ("GET", "mailFolders"),
        ("POST", "move"),
        ("GET", MSG[1].replace("=", "%3D")),
        ("GET", "mailFolders"),
        ("POST", "move"),
    ]


def test_a_folder_that_keeps_vanishing_raises(
    graph_mocker: requests_mock.Mocker, mailbox: GraphMailbox
) -> None:
    graph_mocker.get(FOLDERS, json=recorded("folders_processed.json"))
    graph_mocker.post(message_url(1, "/move"), status_code=404, json=recorded("error_item_not_found.json"))
    graph_mocker.get(message_url(1), json=recorded("message_id_only.json"))

    with pytest.raises(MailboxError, match="HTTP 404"):
        mailbox.move(MSG[1], "Processed")


def test_folder_names_are_quoted_for_odata() -> None:
    assert odata_string("Processed") == "'Processed'"
    assert odata_string("Child's folder") == "'Child''s folder'"


def test_item_and_file_attachments_are_found_by_the_one_walker(
    graph_mocker: requests_mock.Mocker, mailbox: GraphMailbox
) -> None:
    # $value of a message with an itemAttachment (an attached email) and a fileAttachment.
    from mast_intake.intake.messages import read_message

    raw = (MESSAGE.parent / "item_attachment.eml").read_bytes()
    graph_mocker.get(message_url(1, "/$value"), content=raw, headers={"Content-Type": "text/plain"})
    incoming = read_message(mailbox.fetch(MSG[1]), 10, 1024 * 1024)
    assert sorted((a.file_name, a.via) for a in incoming.attachments) == [
        ("notes.pdf", ""), ("tool.docx", "rfc822")]
