"""Open an OOXML zip from memory and read its entries with hard bounds.

Shared by ``sniff`` (which needs a peek at the content types) and ``guards`` (which reads every
entry). Nothing here extracts to disk or treats an entry name as a path: names are only ever
compared as strings.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from mast_intake.config.settings import ParseLimits
from mast_intake.parsers.rejections import ParseRejected

CHUNK = 64 * 1024
_EOCD = b"PK\x05\x06"
# The end-of-central-directory record sits in the last 22 bytes plus a comment of up to 64 KiB.
_EOCD_WINDOW = 22 + 0xFFFF
# Word writes stored or deflated entries only; anything else (bzip2, lzma, ...) is hand-made.
_WORD_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
_OPEN_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
                NotImplementedError, IndexError, KeyError, UnicodeDecodeError)


def open_package(data: bytes, limits: ParseLimits) -> zipfile.ZipFile:
    """The zip in ``data``, opened from memory, with its directory checked against the limits.

    Raises ParseRejected: ``limits_exceeded`` for too many entries, ``corrupt`` for a zip that is
    truncated, has duplicate names, uses an unusual compression method, or is zip-encrypted
    (``encrypted``).
    """
    tail_start = max(0, len(data) - _EOCD_WINDOW)
    eocd = data.rfind(_EOCD, tail_start)
    if eocd < 0:
        raise ParseRejected("corrupt", "zip: no central directory")
    # The declared entry count is checked before zipfile builds one object per entry, so a
    # directory of a million tiny entries never gets that far. It can lie low; the real count
    # is checked again below.
    declared = int.from_bytes(data[eocd + 10:eocd + 12], "little")
    if declared > limits.max_zip_entries:
        raise ParseRejected("limits_exceeded", "zip: too many entries declared")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except _OPEN_ERRORS as exc:
        raise ParseRejected("corrupt", f"zip: {type(exc).__name__}") from exc
    infos = package.infolist()
    if len(infos) > limits.max_zip_entries:
        raise ParseRejected("limits_exceeded", "zip: too many entries")
    seen: set[str] = set()
    for info in infos:
        # OPC part names are case-insensitive; two entries that differ only by case are two
        # claims to one part, and different readers would pick different ones.
        folded = info.filename.casefold()
        if folded in seen:
            raise ParseRejected("corrupt", "zip: duplicate entry name")
        seen.add(folded)
        if info.flag_bits & 0x1:
            raise ParseRejected("encrypted", "zip: encrypted entry")
        if info.compress_type not in _WORD_METHODS:
            raise ParseRejected("corrupt", "zip: unusual compression method")
    return package


def iter_entry(package: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """Yield an entry's uncompressed bytes in chunks, stopping at ``limit`` real bytes.

    The declared size is not trusted: bytes are counted as they are inflated. Raises
    ParseRejected ``limits_exceeded`` past the limit and ``corrupt`` for a damaged entry (bad CRC,
    truncated data, header mismatch).
    """
    total = 0
    try:
        with package.open(info) as handle:
            while True:
                chunk = handle.read(CHUNK)
                if not chunk:
                    return
                total += len(chunk)
                if total > limit:
                    raise ParseRejected("limits_exceeded", "zip: entry too large when inflated")
                yield chunk
    except ParseRejected:
        raise
    except (*_OPEN_ERRORS, RuntimeError) as exc:
        raise ParseRejected("corrupt", f"zip entry: {type(exc).__name__}") from exc


def read_entry(package: zipfile.ZipFile, name: str, limit: int) -> bytes | None:
    """An entry's whole content (at most ``limit`` bytes, else ``limits_exceeded``), or None."""
    try:
        info = package.getinfo(name)
    except KeyError:
        return None
    return b"".join(iter_entry(package, info, limit))
