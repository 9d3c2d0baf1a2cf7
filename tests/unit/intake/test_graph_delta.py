"""GraphMailbox.wait_for_mail: delta queries on the inbox, against recorded answers."""

from __future__ import annotations

import pytest
import requests_mock

from mast_intake.intake.adapters.graph import DELTA_SECONDS, GraphMailbox
from mast_intake.intake.adapters.graph_client import GraphClient
from tests.fixtures.graph_server import BASE, graph_requests, query, recorded, settings

DELTA = f"{BASE}/mailFolders/inbox/messages/delta"


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def mailbox(sleeps: list[float]) -> GraphMailbox:
    client = GraphClient(settings(), sleep=lambda _s: None)
    return GraphMailbox(settings(), client=client, sleep=sleeps.append)


def delta_requests(graph_mocker: requests_mock.Mocker) -> list:
    return [r for r in graph_requests(graph_mocker) if "/delta" in r.url]


def test_what_is_there_at_first_is_not_news(graph_mocker, mailbox: GraphMailbox, sleeps: list[float]) -> None:
    quiet = [{"json": recorded("delta_none.json")}] * 5
    graph_mocker.get(DELTA, [{"json": recorded("delta_initial.json")}, *quiet])
    assert mailbox.wait_for_mail(12) is False
    first = delta_requests(graph_mocker)[0]
    assert query(first) == {"$select": "id"} and first.headers["Prefer"] == "odata.maxpagesize=50"
    assert sleeps and all(0 < s <= DELTA_SECONDS for s in sleeps)
    # Every later query follows the deltaLink it was given.
    assert all("deltatoken=fictional-delta-" in r.url for r in delta_requests(graph_mocker)[1:])


def test_a_new_message_ends_the_wait(graph_mocker, mailbox: GraphMailbox, sleeps: list[float]) -> None:
    graph_mocker.get(DELTA, [{"json": recorded(name)} for name in (
        "delta_initial.json", "delta_none.json", "delta_new.json")])
    assert mailbox.wait_for_mail(60) is True
    assert len(sleeps) == 1


def test_a_changed_flag_is_not_news_but_a_message_back_in_the_inbox_is(
    graph_mocker, mailbox: GraphMailbox
) -> None:
    graph_mocker.get(DELTA, [{"json": recorded(name)} for name in (
        "delta_initial.json", "delta_read_flag.json", "delta_removed.json", "delta_read_flag.json")])
    assert mailbox.wait_for_mail(0) is False  # learns, then sees only a flag change
    assert mailbox.wait_for_mail(0) is False  # moved away
    assert mailbox.wait_for_mail(0) is True  # released back into the inbox: read it again


def test_an_expired_delta_token_starts_a_new_sync(graph_mocker, mailbox: GraphMailbox) -> None:
    graph_mocker.get(DELTA, [{"json": recorded("delta_initial.json")}, {"status_code": 410, "json": {}},
                             {"json": recorded("delta_new.json")}, {"json": recorded("delta_none.json")}])
    assert mailbox.wait_for_mail(0) is False
    assert mailbox.wait_for_mail(0) is False  # what the new sync shows is what the poll reads
    assert [query(r) for r in delta_requests(graph_mocker)][2] == {"$select": "id"}
