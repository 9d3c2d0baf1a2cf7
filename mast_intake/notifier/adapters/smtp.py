"""The SMTP mailer: sends through the council's relay with smtplib."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import getaddresses

from mast_intake.config.settings import ConfigError, SmtpSettings
from mast_intake.ports.mailer import Mailer, MailerError

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class SmtpMailer(Mailer):
    """The ``Mailer`` port over SMTP with smtplib: implicit TLS (``ssl``), STARTTLS or plain.

    One connection per message: the outbox sends few messages, and a fresh connection never
    meets a relay's idle timeout. Login is optional (a username turns it on) and is refused over
    a plaintext connection to anything but the loopback address. Certificates are checked with
    the system's trust store, or with ``ssl_context`` when given (a council's own CA). The
    envelope recipients are exactly the addresses in the To and Cc headers; the Message-ID and
    every other header are sent as given. Any smtplib, socket or TLS error, and any recipient
    refused, becomes ``MailerError`` naming the server and the failed step; the server's reply
    text is left out because a relay may quote the message back.
    """

    def __init__(
        self, settings: SmtpSettings, timeout: float = 30.0, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        if settings.ssl and settings.starttls:
            raise ConfigError("settings smtp.ssl and smtp.starttls are exclusive: choose one")
        plaintext = not (settings.ssl or settings.starttls)
        if plaintext and settings.username and settings.host not in _LOOPBACK:
            raise ConfigError("setting smtp.username needs smtp.ssl or smtp.starttls for a remote host")
        self.settings = settings
        self.timeout = timeout
        self._context = ssl_context

    @property
    def server(self) -> str:
        """host:port, for error messages."""
        return f"{self.settings.host}:{self.settings.port}"

    def _tls(self) -> ssl.SSLContext:
        return self._context or ssl.create_default_context()

    def _connect(self, step: list[str]) -> smtplib.SMTP:
        """An open, greeted and (if configured) authenticated connection; ``step[0]`` says how far."""
        s = self.settings
        if s.ssl:
            conn: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=self._tls())
        else:
            conn = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
        try:
            conn.ehlo()
            if s.starttls:
                step[0] = "starttls"
                conn.starttls(context=self._tls())
                conn.ehlo()
            if s.username:
                step[0] = "login"
                conn.login(s.username, s.password)
        except BaseException:
            conn.close()
            raise
        return conn

    def send(self, message: EmailMessage) -> None:
        """Send ``message`` to its To and Cc addresses, or raise MailerError."""
        recipients = [addr for _, addr in getaddresses(message.get_all("To", []) + message.get_all("Cc", []))]
        recipients = list(dict.fromkeys(addr for addr in recipients if addr))
        if not recipients:
            raise MailerError(f"SMTP {self.server}: message has no To or Cc recipient")
        step = ["connect"]
        try:
            conn = self._connect(step)
            try:
                step[0] = "send"
                refused = conn.send_message(message, to_addrs=recipients)
            finally:
                try:
                    conn.quit()
                except (smtplib.SMTPException, OSError):
                    conn.close()
        except smtplib.SMTPRecipientsRefused as exc:
            raise MailerError(f"SMTP {self.server}: all {len(exc.recipients)} recipients refused") from None
        except smtplib.SMTPAuthenticationError as exc:
            raise MailerError(f"SMTP {self.server}: login refused ({exc.smtp_code})") from None
        except smtplib.SMTPResponseException as exc:
            # from None: the server's reply text can quote the message (a content filter's verdict).
            raise MailerError(f"SMTP {self.server}: {step[0]} refused ({exc.smtp_code})") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise MailerError(f"SMTP {self.server}: {step[0]} failed: {type(exc).__name__}") from exc
        if refused:
            # The others have it; a retry resends to all, which receivers de-duplicate by Message-ID.
            raise MailerError(f"SMTP {self.server}: {len(refused)} of {len(recipients)} recipients refused")
