"""SmtpMailer against a real aiosmtpd server started here on 127.0.0.1, with fictional mail: TLS,
login, refused recipients; the port's contract is in tests/integration/contracts."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mast_intake.config.settings import ConfigError, SmtpSettings
from mast_intake.notifier.adapters.smtp import SmtpMailer
from mast_intake.ports.mailer import MailerError
from tests.fixtures.smtp_server import Recorder, free_port

TEST_USER, TEST_PASSWORD = "mast-sender", "fictional-smtp-password"


def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        TEST_USER.encode(),
        TEST_PASSWORD.encode(),
    )
    # handled=False: aiosmtpd itself answers 535 on failure, as a real relay would.
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made here."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mast-test-smtp")])
    now = dt.datetime.now(dt.UTC)

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("smtp-tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def client_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[0]))


@pytest.fixture
def starttls_server(certificate: tuple[Path, Path]) -> Iterator[tuple[Recorder, int]]:
    recorder, port = Recorder(), free_port()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_context(certificate),
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()


@pytest.fixture
def ssl_server(certificate: tuple[Path, Path]) -> Iterator[tuple[Recorder, int]]:
    recorder, port = Recorder(), free_port()
    controller = Controller(
        recorder, hostname="127.0.0.1", port=port, ssl_context=server_context(certificate)
    )
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()


def make_message(**headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "mast@example.invalid"
    message["To"] = "Fictional Worker <worker@example.invalid>"
    message["Subject"] = "Fictional case note"
    message["Date"] = "Mon, 02 Mar 2026 09:00:00 +0000"
    message["Message-ID"] = "<reply-smtp-1@mast-intake.invalid>"
    for name, value in headers.items():  # replaces a header set above
        del message[name.replace("_", "-")]
        message[name.replace("_", "-")] = value
    message.set_content("A fictional reply.\n")
    message.add_attachment(
        b"%PDF-1.7 fictional agenda", maintype="application", subtype="pdf", filename="a.pdf"
    )
    message.add_attachment(
        b"PK\x03\x04 fictional docx",
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="comments.docx",
    )
    return message


def received(recorder: Recorder) -> EmailMessage:
    [envelope] = recorder.envelopes
    return email.message_from_bytes(envelope.original_content, policy=email.policy.default)


def assert_intact(parsed: EmailMessage) -> None:
    assert parsed["Message-ID"] == "<reply-smtp-1@mast-intake.invalid>"
    attachments = {part.get_filename(): part.get_content() for part in parsed.iter_attachments()}
    assert attachments == {
        "a.pdf": b"%PDF-1.7 fictional agenda",
        "comments.docx": b"PK\x03\x04 fictional docx",
    }


def test_recipients_are_exactly_to_and_cc(plain_server: tuple[Recorder, int]) -> None:
    recorder, port = plain_server
    message = make_message(Cc="lead@example.invalid, worker@example.invalid", Bcc="hidden@example.invalid")
    SmtpMailer(SmtpSettings(host="127.0.0.1", port=port)).send(message)
    [envelope] = recorder.envelopes
    assert envelope.mail_from == "mast@example.invalid"
    assert envelope.rcpt_tos == ["worker@example.invalid", "lead@example.invalid"]
    assert received(recorder)["Bcc"] is None


def test_starttls_with_login(starttls_server: tuple[Recorder, int], certificate: tuple[Path, Path]) -> None:
    recorder, port = starttls_server
    settings = SmtpSettings(
        host="127.0.0.1", port=port, starttls=True, username=TEST_USER, password=TEST_PASSWORD
    )
    SmtpMailer(settings, ssl_context=client_context(certificate)).send(make_message())
    assert_intact(received(recorder))


def test_implicit_tls(ssl_server: tuple[Recorder, int], certificate: tuple[Path, Path]) -> None:
    recorder, port = ssl_server
    settings = SmtpSettings(host="127.0.0.1", port=port, ssl=True)
    SmtpMailer(settings, ssl_context=client_context(certificate)).send(make_message())
    assert_intact(received(recorder))


def test_an_untrusted_certificate_is_a_mailer_error(ssl_server: tuple[Recorder, int]) -> None:
    recorder, port = ssl_server
    with pytest.raises(MailerError, match=f"127.0.0.1:{port}"):
        SmtpMailer(SmtpSettings(host="127.0.0.1", port=port, ssl=True), timeout=5).send(make_message())
    assert recorder.envelopes == []


def test_a_wrong_password_is_a_mailer_error_naming_no_secret(
    starttls_server: tuple[Recorder, int], certificate: tuple[Path, Path]
) -> None:
    _, port = starttls_server
    settings = SmtpSettings(
        host="127.0.0.1", port=port, starttls=True, username=TEST_USER, password="wrong-pw"
    )
    with pytest.raises(MailerError, match="login refused") as caught:
        SmtpMailer(settings, ssl_context=client_context(certificate)).send(make_message())
    assert "wrong-pw" not in str(caught.value)


def test_refused_recipients_are_a_mailer_error(plain_server: tuple[Recorder, int]) -> None:
    recorder, port = plain_server
    mailer = SmtpMailer(SmtpSettings(host="127.0.0.1", port=port))
    with pytest.raises(MailerError, match="all 1 recipients refused") as caught:
        mailer.send(make_message(To="refused@example.invalid"))
    assert "refused@example.invalid" not in str(caught.value)
    message = make_message(Cc="refused@example.invalid")
    with pytest.raises(MailerError, match="1 of 2 recipients refused"):
        mailer.send(message)
    assert [e.rcpt_tos for e in recorder.envelopes] == [["worker@example.invalid"]]


def test_an_unreachable_server_is_a_mailer_error_without_content() -> None:
    port = free_port()
    with pytest.raises(MailerError, match=f"127.0.0.1:{port}: connect failed") as caught:
        SmtpMailer(SmtpSettings(host="127.0.0.1", port=port), timeout=2).send(make_message())
    assert "Fictional" not in str(caught.value)


def test_a_message_without_recipients_is_a_mailer_error(plain_server: tuple[Recorder, int]) -> None:
    _, port = plain_server
    message = make_message()
    del message["To"]
    with pytest.raises(MailerError, match="no To or Cc"):
        SmtpMailer(SmtpSettings(host="127.0.0.1", port=port)).send(message)


def test_unsafe_settings_are_refused() -> None:
    with pytest.raises(ConfigError):
        SmtpMailer(SmtpSettings(host="smtp.example.invalid", ssl=True, starttls=True))
    with pytest.raises(ConfigError):
        SmtpMailer(SmtpSettings(host="smtp.example.invalid", username="u", password="p"))
    SmtpMailer(SmtpSettings(host="smtp.example.invalid"))  # an unauthenticated internal relay is allowed
