"""Files that hold other files inside an email: TNEF (winmail.dat), Outlook .msg, uuencoded
text, and zip archives (which are refused, never opened).

Each opener returns ``(file name, bytes)`` pairs, or nested messages for the walker to walk;
library errors become ``ContainerError`` so the walker can note the part and carry on.
"""

from __future__ import annotations

import binascii
import contextlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import olefile

TNEF_SIGNATURE = b"\x78\x9f\x3e\x22"
TNEF_TYPES = ("application/ms-tnef", "application/vnd.ms-tnef")
MSG_TYPES = ("application/vnd.ms-outlook", "application/x-msg")
ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/x-zip")
_UU_BEGIN = re.compile(rb"^begin(?:-base64)? [0-7]{3,4} (.+?)\r?$", re.MULTILINE)
_UU_END = re.compile(rb"^end\r?$", re.MULTILINE)
_MAX_UU_FILES = 20


class ContainerError(Exception):
    """A container could not be opened; the walker notes it and goes on."""


@dataclass(frozen=True)
class Inner:
    """A file found inside a container: raw bytes, or a nested Outlook message."""

    file_name: str
    data: bytes = b""
    message: object | None = None  # an extract_msg message, walked for its own attachments


def is_tnef(content_type: str, file_name: str, data: bytes) -> bool:
    """True for TNEF by type, by the usual file name, or by its signature."""
    return (content_type in TNEF_TYPES or file_name.lower() == "winmail.dat"
            or data.startswith(TNEF_SIGNATURE))


def open_tnef(data: bytes) -> list[Inner]:
    """The files attached inside a TNEF stream."""
    from tnefparse import TNEF

    try:
        tnef = TNEF(data)
        return [Inner(_tnef_name(a), bytes(a.data or b"")) for a in tnef.attachments]
    except Exception as exc:  # tnefparse raises many types on damaged streams
        raise ContainerError(f"tnef: {type(exc).__name__}") from exc


def _tnef_name(attachment: object) -> str:
    try:
        name = attachment.long_filename()  # type: ignore[attr-defined]
    except Exception:
        name = None
    return str(name or getattr(attachment, "name", "") or "attachment")


def is_msg(content_type: str, file_name: str, data: bytes) -> bool:
    """True for an Outlook .msg: by type, name, or an OLE file with MAPI property streams."""
    if content_type in MSG_TYPES or file_name.lower().endswith(".msg"):
        return True
    if not data.startswith(olefile.MAGIC):
        return False
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return ole.exists("__properties_version1.0")
    except Exception:
        return False


def open_msg(data: bytes) -> list[Inner]:
    """The attachments of an Outlook .msg (embedded messages come back as nested messages)."""
    import extract_msg

    try:
        message = extract_msg.openMsg(data, delayAttachments=False)
    except Exception as exc:
        raise ContainerError(f"msg: {type(exc).__name__}") from exc
    try:
        return list(msg_attachments(message))
    finally:
        _close(message)


def msg_attachments(message: object, depth: int = 0) -> Iterator[Inner]:
    """Files attached to an opened .msg, descending into attached messages a few levels."""
    for attachment in getattr(message, "attachments", []) or []:
        name = str(getattr(attachment, "longFilename", None) or getattr(attachment, "shortFilename", None)
                   or "attachment")
        try:
            data = attachment.data
        except Exception:
            continue
        if isinstance(data, bytes | bytearray):
            yield Inner(name, bytes(data))
        elif data is not None and depth < 5:
            yield from msg_attachments(data, depth + 1)


def _close(message: object) -> None:
    with contextlib.suppress(Exception):
        message.close()  # type: ignore[attr-defined]


def uudecoded(text: bytes) -> list[Inner]:
    """Files uuencoded in a text body (``begin 644 name`` ... ``end``)."""
    found: list[Inner] = []
    for begin in _UU_BEGIN.finditer(text):
        if len(found) >= _MAX_UU_FILES:
            break
        end = _UU_END.search(text, begin.end())
        if end is None:
            break
        name = begin.group(1).decode("utf-8", "replace").strip() or "attachment"
        data = bytearray()
        for line in text[begin.end():end.start()].splitlines():
            if not line.strip() or line.strip() == b"`":
                continue
            try:
                data += binascii.a2b_uu(line)
            except binascii.Error:
                # Some encoders pad lines short; decode the length the first character claims.
                nbytes = (((line[0] - 32) & 63) * 4 + 5) // 3
                try:
                    data += binascii.a2b_uu(line[:nbytes])
                except binascii.Error:
                    continue
        found.append(Inner(name, bytes(data)))
    return found


def is_archive(content_type: str, file_name: str, data: bytes) -> bool:
    """True for a zip archive that is not an Office package (those are read as documents)."""
    if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return content_type in ZIP_TYPES or file_name.lower().endswith(".zip")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "[Content_Types].xml" not in archive.namelist()
    except Exception:
        return file_name.lower().endswith(".zip")
