"""Fixtures for the Dovecot IMAP tests: the server that .ci/services/dovecot.sh starts.

The address and test account come from the environment variables that script documents, with
the same defaults. When the server is unreachable the tests skip, except in CI (CI=true), where
.ci/run has started it and its absence is a failure.
"""

from __future__ import annotations

import contextlib
import imaplib
import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from mast_intake.config.settings import ImapSettings
from mast_intake.intake.adapters.imap import ImapMailbox

IMAP_HOST = "127.0.0.1"
IMAP_PORT = int(os.environ.get("MAST_TEST_IMAP_PORT", "10143"))
IMAP_USER = os.environ.get("MAST_TEST_IMAP_USER", "mast-test")
IMAP_PASSWORD = os.environ.get("MAST_TEST_IMAP_PASSWORD", "fictional-test-password")


def _admin() -> imaplib.IMAP4:
    """A separate, direct imaplib session, to arrange and inspect the mailbox."""
    conn = imaplib.IMAP4(IMAP_HOST, IMAP_PORT, timeout=5)
    conn.login(IMAP_USER, IMAP_PASSWORD)
    return conn


@pytest.fixture(scope="session")
def dovecot_settings() -> ImapSettings:
    """ImapSettings for the test Dovecot: plaintext on 127.0.0.1, the script's test account."""
    try:
        _admin().logout()
    except (OSError, imaplib.IMAP4.error) as exc:
        where = f"Dovecot IMAP on {IMAP_HOST}:{IMAP_PORT}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{where} is unreachable in CI ({type(exc).__name__}); .ci/run starts it")
        pytest.skip(f"{where} is unreachable; start it with .ci/services/dovecot.sh")
    return ImapSettings(
        host=IMAP_HOST, port=IMAP_PORT, ssl=False, starttls=False, username=IMAP_USER, password=IMAP_PASSWORD
    )


@dataclass
class DovecotAccount:
    """The test account, emptied for one test, with helpers that talk to Dovecot directly."""

    settings: ImapSettings
    conn: imaplib.IMAP4

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """APPEND ``raw`` to ``folder``."""
        typ, _ = self.conn.append(folder, None, None, raw)
        assert typ == "OK"

    def uids(self, folder: str = "INBOX", criteria: str = "ALL") -> list[int]:
        """The UIDs in ``folder`` matching ``criteria``."""
        typ, _ = self.conn.select(f'"{folder}"', readonly=True)
        assert typ == "OK"
        typ, data = self.conn.uid("SEARCH", criteria)
        assert typ == "OK"
        return [int(n) for n in data[0].split()]

    def uidvalidity(self, folder: str = "INBOX") -> str:
        """UIDVALIDITY of ``folder``."""
        typ, data = self.conn.status(f'"{folder}"', "(UIDVALIDITY)")
        assert typ == "OK"
        return data[0].split(b"UIDVALIDITY ")[1].rstrip(b")").decode()

    def folders(self) -> set[str]:
        """Names of all folders."""
        typ, data = self.conn.list()
        assert typ == "OK"
        return {line.rsplit(b" ", 1)[1].strip(b'"').decode() for line in data if line}

    def flags(self, uid: int, folder: str = "INBOX") -> bytes:
        """The raw FLAGS answer for one UID."""
        self.conn.select(f'"{folder}"', readonly=True)
        typ, data = self.conn.uid("FETCH", str(uid), "(FLAGS)")
        assert typ == "OK"
        return data[0]


def _empty(conn: imaplib.IMAP4) -> None:
    """Delete every folder but INBOX and every message in INBOX."""
    typ, data = conn.list()
    for line in data or []:
        if not line:
            continue
        name = line.rsplit(b" ", 1)[1].strip(b'"').decode()
        if name.upper() != "INBOX":
            conn.unsubscribe(f'"{name}"')
            conn.delete(f'"{name}"')
    _, data = conn.select("INBOX")
    if int(data[0]) > 0:  # "1:*" is an invalid set in an empty mailbox
        conn.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
        conn.expunge()
    conn.close()


@pytest.fixture
def dovecot(dovecot_settings: ImapSettings) -> Iterator[DovecotAccount]:
    """The test account, empty at the start of the test."""
    conn = _admin()
    _empty(conn)
    try:
        yield DovecotAccount(dovecot_settings, conn)
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            conn.logout()


@pytest.fixture
def imap_box(dovecot: DovecotAccount) -> Iterator[ImapMailbox]:
    """The IMAP adapter on the emptied test account, closed after the test."""
    mailbox = ImapMailbox(dovecot.settings)
    try:
        yield mailbox
    finally:
        mailbox.close()
