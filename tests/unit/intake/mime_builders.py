"""Emails in every shape real clients send a file in, built with the stdlib and ``cryptography``."""

from __future__ import annotations

import base64
import datetime as dt
import io
import zipfile
from email.message import EmailMessage, Message
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    """A tiny Word package (content types and the main part): enough for the walker to know it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def zip_bytes() -> bytes:
    """A plain zip archive holding a Word file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("tool.docx", docx_bytes())
    return buffer.getvalue()


def headed(message: Message, sender: str = "sam.worker@northyorks.gov.uk") -> Message:
    """``message`` with the envelope headers a client adds."""
    message["From"] = f"Sam Worker <{sender}>"
    message["To"] = "nymast@northyorks.gov.uk"
    message["Subject"] = "Risk tool"
    message["Message-ID"] = "<shape@northyorks.gov.uk>"
    return message


def file_part(name: str | None, data: bytes, subtype: str = "pdf") -> MIMEApplication:
    """An application/* part, with a file name unless ``name`` is None."""
    part = MIMEApplication(data, _subtype=subtype)
    if name is not None:
        part.add_header("Content-Disposition", "attachment", filename=name)
    return part


def mixed(*parts: Message, subtype: str = "mixed") -> MIMEMultipart:
    """A multipart of ``parts``."""
    container = MIMEMultipart(subtype)
    for part in parts:
        container.attach(part)
    return container


def text(body: str = "Please find the tool attached.") -> MIMEText:
    return MIMEText(body)


def forwarded(inner: Message, encoding: str | None = None) -> MIMEBase:
    """``inner`` attached as message/rfc822, optionally base64 encoded (as some clients do)."""
    if encoding is None:
        return MIMEMessage(inner)
    part = MIMEBase("message", "rfc822")
    part.set_payload(base64.encodebytes(inner.as_bytes()).decode())
    part["Content-Transfer-Encoding"] = "base64"
    return part


def to_bytes(message: Message) -> bytes:
    return message.as_bytes()


class Signer:
    """A throw-away certificate and key, for signing and encrypting test mail."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Signer")])
        now = dt.datetime.now(dt.UTC)
        self.cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                     .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                     .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
                     .sign(self.key, hashes.SHA256()))

    def _builder(self, content: Message) -> pkcs7.PKCS7SignatureBuilder:
        return pkcs7.PKCS7SignatureBuilder().set_data(content.as_bytes()).add_signer(
            self.cert, self.key, hashes.SHA256())

    def clear_signed(self, content: Message) -> bytes:
        """multipart/signed: the content, then a detached signature."""
        return self._builder(content).sign(serialization.Encoding.SMIME,
                                           [pkcs7.PKCS7Options.DetachedSignature])

    def opaque_signed(self, content: Message) -> bytes:
        """application/pkcs7-mime; smime-type=signed-data, the content inside the signature."""
        der = self._builder(content).sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
        body = base64.encodebytes(der).replace(b"\n", b"\r\n")
        return (b"MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=signed-data; "
                b"name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n"
                b"Content-Disposition: attachment; filename=smime.p7m\r\n\r\n" + body)

    def encrypted(self, content: Message) -> bytes:
        """application/pkcs7-mime; smime-type=enveloped-data."""
        return (pkcs7.PKCS7EnvelopeBuilder().set_data(content.as_bytes()).add_recipient(self.cert)
                .encrypt(serialization.Encoding.SMIME, []))


def with_envelope(smime: bytes, sender: str = "sam.worker@northyorks.gov.uk") -> bytes:
    """S/MIME output (MIME headers and body) with From/To/Subject/Message-ID in front."""
    envelope = (f"From: Sam Worker <{sender}>\r\nTo: nymast@northyorks.gov.uk\r\n"
                "Subject: Risk tool\r\nMessage-ID: <signed@northyorks.gov.uk>\r\n").encode()
    return envelope + smime


def as_message(raw: bytes) -> EmailMessage:
    import email
    import email.policy

    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]
