"""EwsMailbox.wait_for_mail: a pull subscription to the inbox, against recorded EWS answers."""

from __future__ import annotations

import pytest

from mast_intake.intake.adapters.ews import PULL_SECONDS, EwsMailbox
from mast_intake.ports.mailbox import MailboxError
from tests.fixtures.ews_server import FakeEws, settings


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def mailbox(sleeps: list[float]) -> EwsMailbox:
    return EwsMailbox(settings(), sleep=sleeps.append)


def test_subscribes_once_and_waits_for_a_new_mail_event(ews_server: FakeEws, mailbox: EwsMailbox,
                                                        sleeps: list[float]) -> None:
    ews_server.reply("Subscribe", "subscribe_pull.xml")
    ews_server.reply("GetEvents", "getevents_status.xml", "getevents_status.xml", "getevents_newmail.xml")
    assert mailbox.wait_for_mail(60) is True
    assert len(ews_server.called("Subscribe")) == 1
    (subscribe,) = ews_server.called("Subscribe")
    assert subscribe.xpath("//t:EventTypes/t:EventType/text()") == ["NewMailEvent"]
    assert subscribe.xpath("//m:PullSubscriptionRequest//t:DistinguishedFolderId/@Id") == ["inbox"]
    # Each GetEvents carries the watermark the previous answer ended on.
    marks = [call.xpath("//m:Watermark/text()")[0] for call in ews_server.called("GetEvents")]
    assert marks == ["AQAAAGZpY3Rpb25hbC13YXRlcm1hcmstMA==", "AQAAAGZpY3Rpb25hbC13YXRlcm1hcmstMQ==",
                     "AQAAAGZpY3Rpb25hbC13YXRlcm1hcmstMQ=="]
    assert sleeps == [PULL_SECONDS, PULL_SECONDS]


def test_no_event_until_the_timeout(ews_server: FakeEws, mailbox: EwsMailbox, sleeps: list[float]) -> None:
    ews_server.reply("Subscribe", "subscribe_pull.xml")
    ews_server.reply("GetEvents", "getevents_status.xml")
    assert mailbox.wait_for_mail(0) is False
    assert sleeps == []


def test_an_ended_subscription_is_replaced(ews_server: FakeEws, mailbox: EwsMailbox) -> None:
    ews_server.reply("Subscribe", "subscribe_pull.xml")
    ews_server.reply("GetEvents", "getevents_expired.xml", "getevents_newmail.xml")
    with pytest.raises(MailboxError, match="ErrorSubscriptionNotFound"):
        mailbox.wait_for_mail(0)
    assert mailbox.wait_for_mail(0) is True
    assert len(ews_server.called("Subscribe")) == 2
