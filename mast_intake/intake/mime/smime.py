"""S/MIME: unwrap signed mail (both forms), recognise encrypted mail, check signatures.

Partners such as the police and health sign their mail. A clear-signed email is
multipart/signed (the content, then a detached signature); an opaque-signed one is a single
application/pkcs7-mime part whose CMS SignedData carries the content inside it. Either way the
tool is inside the content, which is walked like any other MIME entity.

"Verified" means the signature is valid over the content for the certificate the message
carries. It does not say the certificate chains to a trusted authority: the note is for the
record, and sender trust is decided elsewhere.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

PKCS7_MIME_TYPES = ("application/pkcs7-mime", "application/x-pkcs7-mime")
SIGNATURE_TYPES = ("application/pkcs7-signature", "application/x-pkcs7-signature")
_ENCRYPTED_CONTENT = ("enveloped_data", "authenticated_enveloped_data", "encrypted_data")
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
    "sha384": hashes.SHA384, "sha512": hashes.SHA512,
}

VERIFIED = "verified"
NOT_VERIFIED = "not_verified"


class EncryptedMail(Exception):
    """The entity is S/MIME-encrypted: the service has no key and cannot read it."""


@dataclass(frozen=True)
class Opened:
    """The content inside an opaque-signed entity, and whether its signature verified."""

    content: bytes
    signature: str


def load(der: bytes) -> cms.ContentInfo:
    """Parse CMS DER (raises on damage)."""
    info = cms.ContentInfo.load(der)
    info.native  # noqa: B018 - forces the lazy parse, so damage raises here, not later
    return info


def open_pkcs7(der: bytes) -> Opened:
    """The content of an opaque-signed entity; EncryptedMail for enveloped data."""
    info = load(der)
    kind = info["content_type"].native
    if kind in _ENCRYPTED_CONTENT:
        raise EncryptedMail(kind)
    if kind != "signed_data":
        raise ValueError(f"unexpected CMS content {kind}")
    signed = info["content"]
    content = signed["encap_content_info"]["content"].native or b""
    return Opened(content, VERIFIED if verify(signed, content) else NOT_VERIFIED)


def verify_detached(content: bytes, signature_der: bytes) -> str:
    """VERIFIED when ``signature_der`` (a detached SignedData) signs ``content``."""
    try:
        info = load(signature_der)
        if info["content_type"].native != "signed_data":
            return NOT_VERIFIED
        return VERIFIED if verify(info["content"], content) else NOT_VERIFIED
    except Exception:
        return NOT_VERIFIED


def verify(signed: cms.SignedData, content: bytes) -> bool:
    """True when every signer's signature is valid over ``content`` for its certificate."""
    try:
        certificates = [c.chosen for c in signed["certificates"] if c.name == "certificate"]
        signers = list(signed["signer_infos"])
        return bool(signers) and all(_signer_valid(s, certificates, content) for s in signers)
    except Exception:  # any damage or unsupported algorithm: not verified, never an error
        return False


def _signer_valid(signer: cms.SignerInfo, certificates: list[cms.Certificate], content: bytes) -> bool:
    certificate = _certificate_for(signer["sid"], certificates)
    if certificate is None:
        return False
    digest_name = signer["digest_algorithm"]["algorithm"].native
    algorithm = _HASHES[digest_name]()
    attrs = signer["signed_attrs"]
    if attrs.native:
        expected = hashlib.new(digest_name, content).digest()
        digests = [a["values"][0].native for a in attrs if a["type"].native == "message_digest"]
        if digests != [expected]:
            return False
        # The signature covers the attributes DER-encoded as a SET, not as the [0] field.
        data = b"\x31" + attrs.dump(force=True)[1:]
    else:
        data = content
    key = x509.load_der_x509_certificate(certificate.dump()).public_key()
    signature = signer["signature"].native
    if isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, data, padding.PKCS1v15(), algorithm)
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(signature, data, ec.ECDSA(algorithm))
    else:
        return False
    return True


def _certificate_for(
    sid: cms.SignerIdentifier, certificates: list[cms.Certificate]
) -> cms.Certificate | None:
    for certificate in certificates:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (certificate.issuer == wanted["issuer"]
                    and certificate.serial_number == wanted["serial_number"].native):
                return certificate
        elif certificate.key_identifier == sid.chosen.native:
            return certificate
    return None


def signed_content_bytes(raw_entity: bytes, boundary: str) -> bytes | None:
    """The first body part of a multipart/signed entity, exactly as signed (CRLF line ends)."""
    delimiter = re.compile(rb"(?:^|\r?\n)--" + re.escape(boundary.encode("ascii", "replace"))
                           + rb"(--)?[ \t]*(?=\r?\n|$)")
    marks = list(delimiter.finditer(raw_entity))
    if len(marks) < 2:
        return None
    start = marks[0].end()
    start += 2 if raw_entity[start:start + 2] == b"\r\n" else 1
    body = raw_entity[start:marks[1].start()]
    return re.sub(rb"\r?\n", b"\r\n", body)
