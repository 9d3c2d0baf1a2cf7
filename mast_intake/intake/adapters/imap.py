"""The IMAP mailbox: polls the council mailbox with imaplib."""

from __future__ import annotations

import base64
import contextlib
import imaplib
import logging
import re
import select
import ssl
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from mast_intake.config.settings import ConfigError, ImapSettings
from mast_intake.ports.mailbox import Mailbox, MailboxError

log = logging.getLogger(__name__)

T = TypeVar("T")
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_KEY = re.compile(r"^(\d+):(\d+)$")
_RESPONSE_CODE = re.compile(rb"^\[([A-Z][A-Z0-9-]*)")
_SIZE_CHANGE = re.compile(rb"^\* (\d+) (EXISTS|EXPUNGE)", re.IGNORECASE)
# RFC 2177: a client must end IDLE within 29 minutes, or the server may drop it.
MAX_IDLE_SECONDS = 25 * 60


def encode_mailbox_name(name: str) -> str:
    """``name`` in IMAP's modified UTF-7, quoted, ready to send as a mailbox argument."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            raw = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode("ascii").rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    encoded = "".join(out)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Failed(Exception):
    """A NO or BAD answer; carries only the response code, never the server's text."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _code(data: list) -> str:
    """The [RESPONSE-CODE] of a tagged answer, or '' (the free text may quote the message)."""
    first = data[0] if data else None
    if isinstance(first, bytes):
        match = _RESPONSE_CODE.match(first)
        if match:
            return match.group(1).decode("ascii")
    return ""


def _ok(answer: tuple[str, list]) -> list:
    """The data of an OK answer; raises _Failed for NO or BAD."""
    typ, data = answer
    if typ != "OK":
        raise _Failed(_code(data) or typ)
    return data


class ImapMailbox(Mailbox):
    """The ``Mailbox`` port over IMAP4rev1 with imaplib.

    Connection: implicit TLS when ``settings.ssl`` (port 993), STARTTLS when ``settings.starttls``,
    plaintext only to the loopback address (for tests against a local server). Certificates are
    checked with the system's trust store, or with ``ssl_context`` when given. One connection is
    opened lazily, logged in, and kept with ``settings.inbox`` selected read-write; ``close()``
    logs out.

    Keys are ``"<UIDVALIDITY>:<UID>"``: a mailbox recreated on the server (new UIDVALIDITY) cannot
    make an old key name a different message. A key from another UIDVALIDITY is treated as gone.

    - ``pending()``: ``UID SEARCH UNDELETED``, by ascending UID, which is arrival order.
    - ``fetch(key)``: ``UID FETCH <uid> (BODY.PEEK[])``, the bytes as the server stores them,
      without setting ``\\Seen`` (so a human watching the mailbox sees what is still unread).
      A message no longer there raises ``MailboxError``.
    - ``move(key, folder)``: ``UID MOVE`` when the server has MOVE, else ``UID COPY``, ``UID STORE
      +FLAGS.SILENT (\\Deleted)`` and, with UIDPLUS, ``UID EXPUNGE`` of that UID only (without
      UIDPLUS the message stays flagged \\Deleted, hidden from ``pending()``, rather than
      expunging messages someone else flagged). The folder is created (and subscribed) when the
      server does not list it. A UID no longer in the inbox is not an error: IMAP answers OK.
      Folder names are used as given: on a server whose folders live under a prefix, configure
      e.g. ``INBOX.Processed``.

    - ``wait_for_mail(timeout)``: IDLE (RFC 2177) when the server announces it, until the first
      untagged answer (EXISTS for new mail, or another change) or the timeout, then DONE. Use an
      instance of its own: IDLE holds the connection.

    A dropped connection (imaplib's abort, a socket or TLS error) is reconnected once and the
    operation retried; every operation is safe to repeat. What still fails becomes ``MailboxError``
    naming the server, the operation and at most an IMAP response code: imaplib's own messages
    can quote server lines, which could be message content, so they are not chained.
    """

    def __init__(
        self,
        settings: ImapSettings,
        processed_folder: str = "Processed",
        quarantine_folder: str = "Quarantine",
        timeout: float = 60.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if settings.ssl and settings.starttls:
            raise ConfigError("settings imap.ssl and imap.starttls are exclusive: choose one")
        if not (settings.ssl or settings.starttls) and settings.host not in _LOOPBACK:
            raise ConfigError("setting imap.ssl or imap.starttls must be on for a host other than 127.0.0.1")
        self.settings = settings
        self.processed_folder = processed_folder
        self.quarantine_folder = quarantine_folder
        self.timeout = timeout
        self._context = ssl_context
        self._conn: imaplib.IMAP4 | None = None
        self._capabilities: set[str] = set()
        self._uidvalidity = ""
        self._known_folders: set[str] = set()
        self._exists = 0  # messages in the inbox as the server last told this connection

    @property
    def server(self) -> str:
        """host:port, for error messages."""
        return f"{self.settings.host}:{self.settings.port}"

    # -- connection -------------------------------------------------------------------------

    def _tls(self) -> ssl.SSLContext:
        return self._context or ssl.create_default_context()

    def _connect(self) -> imaplib.IMAP4:
        """Open, secure, log in and select the inbox; sets capabilities and UIDVALIDITY."""
        s = self.settings
        if s.ssl:
            conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                s.host, s.port, ssl_context=self._tls(), timeout=self.timeout
            )
        else:
            conn = imaplib.IMAP4(s.host, s.port, timeout=self.timeout)
        try:
            if s.starttls:
                _ok(conn.starttls(ssl_context=self._tls()))
            try:
                conn.login(s.username, s.password)
            except imaplib.IMAP4.abort:
                raise
            except imaplib.IMAP4.error:
                raise _Failed("LOGIN") from None
            # Capabilities change after login (MOVE and UIDPLUS are often announced only then).
            data = _ok(conn.capability())
            self._capabilities = set(data[-1].decode("ascii", "replace").upper().split())
            selected = _ok(conn.select(encode_mailbox_name(s.inbox)))
            self._exists = int(selected[0]) if selected and selected[0] else 0
            _, values = conn.response("UIDVALIDITY")
            if not values or values[-1] is None:
                raise _Failed("NOUIDVALIDITY")
            self._uidvalidity = values[-1].decode("ascii")
        except BaseException:
            with contextlib.suppress(OSError):
                conn.shutdown()
            raise
        return conn

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.shutdown()
        self._conn = None
        self._known_folders.clear()

    def _run(self, operation: str, action: Callable[[imaplib.IMAP4], T]) -> T:
        """Run ``action`` on a live connection, reconnecting and retrying once if it dropped."""
        for attempt in (1, 2):
            try:
                if self._conn is None:
                    self._conn = self._connect()
                return action(self._conn)
            except (imaplib.IMAP4.abort, OSError) as exc:
                # A server restart or idle timeout between polls: start again, once.
                self._drop()
                if attempt == 2:
                    raise MailboxError(
                        f"IMAP {self.server}: {operation} failed: {type(exc).__name__}"
                    ) from None
                log.info("IMAP %s: connection lost during %s; reconnecting", self.server, operation)
            except _Failed as exc:
                if exc.code == "LOGIN":
                    self._drop()
                    raise MailboxError(f"IMAP {self.server}: login refused") from None
                raise MailboxError(f"IMAP {self.server}: {operation} refused ({exc.code})") from None
            except imaplib.IMAP4.error as exc:
                # A protocol error leaves the connection in an unknown state; start afresh next time.
                self._drop()
                raise MailboxError(f"IMAP {self.server}: {operation} failed: {type(exc).__name__}") from None
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Log out, ignoring a connection that is already gone."""
        if self._conn is not None:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                self._conn.logout()
        self._drop()

    # -- keys -------------------------------------------------------------------------------

    def _uid(self, key: str) -> str | None:
        """The UID for ``key`` if it belongs to the selected inbox's UIDVALIDITY, else None."""
        match = _KEY.match(key)
        if not match:
            raise MailboxError(f"IMAP {self.server}: not a key of this mailbox")
        validity, uid = match.groups()
        return uid if validity == self._uidvalidity else None

    # -- the port ---------------------------------------------------------------------------

    def pending(self) -> Iterator[str]:
        """Keys of the messages in the inbox not flagged \\Deleted, by ascending UID."""

        def search(conn: imaplib.IMAP4) -> list[str]:
            # NOOP first so the server reports any UIDVALIDITY change or new mail before the search.
            _ok(conn.noop())
            data = _ok(conn.uid("SEARCH", "UNDELETED"))
            uids = sorted({int(n) for n in b" ".join(d for d in data if d).split()})
            return [f"{self._uidvalidity}:{uid}" for uid in uids]

        yield from self._run("search", search)

    def fetch(self, key: str) -> bytes:
        """The message's bytes, without marking it \\Seen; MailboxError if it is not there."""

        def get(conn: imaplib.IMAP4) -> bytes:
            uid = self._uid(key)
            if uid is None:
                raise MailboxError(f"IMAP {self.server}: fetch: key is from an earlier UIDVALIDITY")
            data = _ok(conn.uid("FETCH", uid, "(BODY.PEEK[])"))
            # Untagged FETCH answers about other messages (flag changes) can arrive in between:
            # take the literal whose prelude names this UID and BODY[].
            for item in data:
                if isinstance(item, tuple) and len(item) == 2:
                    prelude = item[0].upper()
                    if b"BODY[]" in prelude and re.search(rb"\bUID " + uid.encode() + rb"\b", prelude):
                        return bytes(item[1])
            raise MailboxError(f"IMAP {self.server}: fetch: message no longer in the inbox")

        return self._run("fetch", get)

    def _ensure_folder(self, conn: imaplib.IMAP4, folder: str) -> None:
        """Create and subscribe ``folder`` unless the server lists it already."""
        if folder in self._known_folders:
            return
        name = encode_mailbox_name(folder)
        listed = [d for d in _ok(conn.list('""', name)) if d]
        if not listed:
            typ, data = conn.create(name)
            # ALREADYEXISTS: another worker created it between our LIST and CREATE.
            if typ != "OK" and _code(data) != "ALREADYEXISTS":
                raise _Failed(_code(data) or typ)
            conn.subscribe(name)  # so that mail clients show it; not needed by us
        self._known_folders.add(folder)

    def move(self, key: str, folder: str) -> None:
        """File the message in ``folder``; a message no longer in the inbox is not an error."""

        def file(conn: imaplib.IMAP4) -> None:
            uid = self._uid(key)
            if uid is None:
                # That UID numbering is gone; the message, if still there, has a new key and
                # is found again by pending(), where its Message-ID shows it was handled.
                log.warning("IMAP %s: move skipped, key from an earlier UIDVALIDITY", self.server)
                return
            self._ensure_folder(conn, folder)
            name = encode_mailbox_name(folder)
            if "MOVE" in self._capabilities:
                _ok(conn.uid("MOVE", uid, name))
                return
            _ok(conn.uid("COPY", uid, name))
            _ok(conn.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"))
            if "UIDPLUS" in self._capabilities:
                _ok(conn.uid("EXPUNGE", uid))

        self._run("move", file)

    def wait_for_mail(self, timeout: float) -> bool | None:
        """IDLE until the server reports a change in the inbox (True) or ``timeout`` passes (False).

        None when the server does not offer IDLE.
        """

        def idle(conn: imaplib.IMAP4) -> bool | None:
            if "IDLE" not in self._capabilities:
                return None
            # Mail that came since our last command is reported to the next one, not by IDLE.
            _ok(conn.noop())
            expunged = len(conn.untagged_responses.pop("EXPUNGE", []))
            reported = [int(n) for n in conn.untagged_responses.pop("EXISTS", [])
                        if isinstance(n, bytes) and n.isdigit()]
            self._exists -= expunged
            if reported and reported[-1] > self._exists:
                self._exists = reported[-1]
                return True
            tag = conn._new_tag()  # imaplib (before 3.14) has no IDLE: speak it directly
            conn.send(tag + b" IDLE\r\n")
            told = False
            while not (line := conn.readline()).startswith(b"+"):
                if not line or line.startswith(tag):
                    raise _Failed("IDLE")
                told = self._noted(line) or told
            if not told:
                told = self._wait_for_arrival(conn, min(timeout, MAX_IDLE_SECONDS))
            conn.send(b"DONE\r\n")
            while not (line := conn.readline()).startswith(tag):
                if not line:
                    raise imaplib.IMAP4.abort("connection closed during IDLE")
                told = self._noted(line) or told  # it may have come with the last read
            if not line[len(tag):].strip().upper().startswith(b"OK"):
                raise _Failed("IDLE")
            return told

        return self._run("idle", idle)

    def _noted(self, line: bytes) -> bool:
        """Follow the inbox's size from an untagged line; True when it says mail arrived."""
        match = _SIZE_CHANGE.match(line)
        if not match:
            return False
        if match.group(2).upper() == b"EXPUNGE":
            self._exists -= 1
            return False
        count = int(match.group(1))
        arrived = count > self._exists
        self._exists = count
        return arrived

    def _wait_for_arrival(self, conn: imaplib.IMAP4, timeout: float) -> bool:
        """True when, within ``timeout`` seconds of IDLE, the server reports new mail."""
        deadline = time.monotonic() + timeout
        sock = conn.socket()
        while (remaining := deadline - time.monotonic()) > 0:
            # TLS may hold a decrypted record that select cannot see.
            waiting = isinstance(sock, ssl.SSLSocket) and sock.pending() > 0
            if not waiting and not select.select([sock], [], [], remaining)[0]:
                return False
            line = conn.readline()
            if not line:
                raise imaplib.IMAP4.abort("connection closed during IDLE")
            if self._noted(line):
                return True
        return False
