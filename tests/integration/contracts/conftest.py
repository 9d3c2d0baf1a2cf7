"""Each mailbox and mailer adapter behind one face, so one contract suite runs against them all.

A mailbox rig holds an adapter and the means to arrange and inspect its mailbox from outside:
Maildir in tmp_path, IMAP on the test Dovecot, EWS and Graph against fake servers that answer
from the recorded responses in tests/fixtures. A mailer rig holds an adapter and what the far
side received: the outbox Maildir, aiosmtpd, and the Graph and EWS fakes. All mail is fictional.
"""

from __future__ import annotations

import base64
import json
import mailbox
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
import requests_mock

from mast_intake.config.settings import SmtpSettings
from mast_intake.intake.adapters.ews import EwsMailbox, encode_key
from mast_intake.intake.adapters.graph import GraphMailbox
from mast_intake.intake.adapters.graph_client import GraphClient
from mast_intake.intake.adapters.imap import ImapMailbox
from mast_intake.intake.adapters.maildir import MaildirMailbox
from mast_intake.notifier.adapters.ews import EwsMailer
from mast_intake.notifier.adapters.graph import GraphMailer
from mast_intake.notifier.adapters.maildir import MaildirMailer
from mast_intake.notifier.adapters.smtp import SmtpMailer
from mast_intake.ports.mailbox import Mailbox
from mast_intake.ports.mailer import Mailer
from tests.fixtures import ews_server, graph_server
from tests.fixtures.smtp_server import Recorder
from tests.integration.conftest import DovecotAccount


class MailboxRig(Protocol):
    """A mailbox adapter and the mailbox it reaches, arranged and read from outside."""

    mailbox: Mailbox

    def deliver(self, raw: bytes) -> None:
        """Put a message in the inbox, arriving after those already there."""

    def filed(self, folder: str) -> list[bytes]:
        """The messages in ``folder`` (none when it does not exist)."""

    def missing_key(self) -> str:
        """A key of this adapter's form that names no message."""


class MaildirRig:
    """The Maildir adapter on a Maildir in tmp_path, delivered to through the standard library."""

    def __init__(self, path: Path) -> None:
        self.mailbox = MaildirMailbox(path)
        self._arrivals = 0

    def deliver(self, raw: bytes) -> None:
        key = mailbox.Maildir(self.mailbox.path, create=False).add(raw)
        self._arrivals += 1  # delivery time orders the inbox: one second apart
        moment = 1_800_000_000 + self._arrivals
        os.utime(self.mailbox.path / "new" / key, (moment, moment))

    def filed(self, folder: str) -> list[bytes]:
        box = mailbox.Maildir(self.mailbox.path, create=False)
        if folder not in box.list_folders():
            return []
        sub = box.get_folder(folder)
        return [sub.get_bytes(key) for key in sub.iterkeys()]

    def missing_key(self) -> str:
        return "1800000000.M1P1.never-there"


class ImapRig:
    """The IMAP adapter on the test Dovecot, arranged and read over a separate connection."""

    def __init__(self, dovecot: DovecotAccount) -> None:
        self.mailbox = ImapMailbox(dovecot.settings)
        self.dovecot = dovecot

    def deliver(self, raw: bytes) -> None:
        self.dovecot.append(raw)

    def filed(self, folder: str) -> list[bytes]:
        if folder not in self.dovecot.folders():
            return []
        conn = self.dovecot.conn
        found = []
        for uid in self.dovecot.uids(folder):
            typ, data = conn.uid("FETCH", str(uid), "(BODY.PEEK[])")
            assert typ == "OK"
            found.append(data[0][1])
        return found

    def missing_key(self) -> str:
        return f"{self.dovecot.uidvalidity()}:999999"


class ExchangeRig:
    """EWS or Graph: the adapter against a fake server holding a store of fictional mail."""

    def __init__(self, mailbox: Mailbox, store: ews_server.EwsStore | graph_server.GraphStore,
                 missing_key: str) -> None:
        self.mailbox = mailbox
        self.store = store
        self._missing_key = missing_key

    def deliver(self, raw: bytes) -> None:
        self.store.mail.deliver(raw)

    def filed(self, folder: str) -> list[bytes]:
        return self.store.mail.in_folder(folder)

    def missing_key(self) -> str:
        return self._missing_key


def _ews_rig(mocker: requests_mock.Mocker) -> ExchangeRig:
    store = ews_server.EwsStore()
    ews_server.FakeEws(mocker, store=store)
    missing = encode_key(ews_server.fictional_id("never-there"), "Y2s6bmV2ZXI=")
    return ExchangeRig(EwsMailbox(ews_server.settings()), store, missing)


def _graph_rig(mocker: requests_mock.Mocker) -> ExchangeRig:
    store = graph_server.GraphStore()
    store.register(mocker)
    client = GraphClient(graph_server.settings(), sleep=lambda seconds: None)
    missing = graph_server.fictional_id("never-there")
    return ExchangeRig(GraphMailbox(graph_server.settings(), client=client), store, missing)


MAILBOX_RIGS: dict[str, Callable[[pytest.FixtureRequest, Path], MailboxRig]] = {
    "maildir": lambda request, tmp_path: MaildirRig(tmp_path / "mailbox"),
    "imap": lambda request, tmp_path: ImapRig(request.getfixturevalue("dovecot")),
    "ews": lambda request, tmp_path: _ews_rig(request.getfixturevalue("ews_mocker")),
    "graph": lambda request, tmp_path: _graph_rig(request.getfixturevalue("graph_mocker")),
}


@pytest.fixture(params=["maildir", pytest.param("imap", marks=pytest.mark.dovecot), "ews", "graph"])
def mailbox_rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MailboxRig]:
    """Each mailbox adapter in turn, with an empty inbox."""
    rig = MAILBOX_RIGS[request.param](request, tmp_path)
    yield rig
    rig.mailbox.close()


class MailerRig(Protocol):
    """A mailer adapter and what the far side received from it."""

    mailer: Mailer

    def received(self) -> list[bytes]:
        """Each message the far side took, as the bytes it took."""

    def recipients(self) -> list[list[str]] | None:
        """The envelope recipients of each message, where the transport has an envelope."""

    def refuse(self) -> None:
        """Make the far side refuse what is sent next."""


class MaildirMailerRig:
    """The outbox Maildir mailer; what it wrote is in new/."""

    def __init__(self, path: Path) -> None:
        self.mailer = MaildirMailer(path)

    def received(self) -> list[bytes]:
        return [path.read_bytes() for path in sorted((self.mailer.path / "new").iterdir())]

    def recipients(self) -> None:
        return None

    def refuse(self) -> None:
        (self.mailer.path / "tmp").rmdir()


class SmtpRig:
    """The SMTP mailer sending to an aiosmtpd relay on 127.0.0.1."""

    def __init__(self, relay: tuple[Recorder, int]) -> None:
        self.recorder, port = relay
        self.mailer = SmtpMailer(SmtpSettings(host="127.0.0.1", port=port), timeout=5)

    def received(self) -> list[bytes]:
        return [envelope.original_content for envelope in self.recorder.envelopes]

    def recipients(self) -> list[list[str]]:
        return [envelope.rcpt_tos for envelope in self.recorder.envelopes]

    def refuse(self) -> None:
        self.recorder.refuse_all = True


class EwsMailerRig:
    """The EWS mailer against the fake server; what it sent is each CreateItem's MIME content."""

    def __init__(self, mocker: requests_mock.Mocker) -> None:
        self.server = ews_server.FakeEws(mocker)
        self.server.reply("CreateItem", "createitem_sent.xml")
        self.mailer = EwsMailer(ews_server.settings())
        self._refused_from: int | None = None

    def received(self) -> list[bytes]:
        sent = self.server.called("CreateItem")[: self._refused_from]
        return [base64.b64decode(call.xpath("string(//t:Message/t:MimeContent)")) for call in sent]

    def recipients(self) -> None:
        return None

    def refuse(self) -> None:
        self._refused_from = len(self.server.called("CreateItem"))
        self.server.reply("CreateItem", "createitem_quota.xml")


class GraphMailerRig:
    """The Graph mailer against the fake endpoint; what it sent is each accepted sendMail body."""

    def __init__(self, mocker: requests_mock.Mocker) -> None:
        self.accepted: list[bytes] = []
        self.refusing = False
        mocker.post(f"{graph_server.BASE}/sendMail", content=self._answer)
        client = GraphClient(graph_server.settings(), sleep=lambda seconds: None)
        self.mailer = GraphMailer(graph_server.settings(), client=client)

    def _answer(self, request: Any, context: Any) -> bytes:
        if self.refusing:
            context.status_code = 413
            return json.dumps(graph_server.recorded("error_too_large.json")).encode()
        context.status_code = 202
        self.accepted.append(base64.b64decode(request.body))
        return b""

    def received(self) -> list[bytes]:
        return self.accepted

    def recipients(self) -> None:
        return None

    def refuse(self) -> None:
        self.refusing = True


MAILER_RIGS: dict[str, Callable[[pytest.FixtureRequest, Path], MailerRig]] = {
    "maildir": lambda request, tmp_path: MaildirMailerRig(tmp_path / "outbox"),
    "smtp": lambda request, tmp_path: SmtpRig(request.getfixturevalue("plain_server")),
    "ews": lambda request, tmp_path: EwsMailerRig(request.getfixturevalue("ews_mocker")),
    "graph": lambda request, tmp_path: GraphMailerRig(request.getfixturevalue("graph_mocker")),
}


@pytest.fixture(params=list(MAILER_RIGS))
def mailer_rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MailerRig]:
    """Each mailer adapter in turn, with nothing sent yet."""
    rig = MAILER_RIGS[request.param](request, tmp_path)
    yield rig
    rig.mailer.close()
