"""The parsers' front door: any bytes in, an Assessment or a Rejection out, never an exception.

``parse_bytes`` checks the size and hashes the bytes here, then hands everything that touches
the file's structure (sniffing inside containers, package guards, the form readers) to a
sandboxed child (``sandbox``), chosen by content (``sniff``) through the table in ``registry``.
Legacy .doc files come back from the child as a hand-off and are converted by LibreOffice
(``legacy``) before going through the front door again.

Log lines name the reason, a fixed detail and a short hash prefix, never the file name or
anything from inside the file.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from mast_intake.config.settings import ParseLimits
from mast_intake.models.assessment import Assessment, Rejection
from mast_intake.parsers import legacy, registry, sandbox
from mast_intake.parsers.rejections import REASONS, ParseRejected
from mast_intake.parsers.sniff import Kind

__all__ = ["parse_bytes", "parse_file"]

log = logging.getLogger(__name__)


def parse_bytes(data: bytes, file_name: str, limits: ParseLimits) -> Assessment | Rejection:
    """Read one attachment as a risk tool.

    ``file_name`` is carried into the result only; the kind of file is decided from the bytes.
    Returns an Assessment, or a Rejection whose ``sha256`` is of ``data`` exactly as received
    and whose ``reason`` is one of ``REASONS``. Never raises for a bad file.
    """
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > limits.max_file_bytes:
        return _reject(file_name, digest, "too_large", "file larger than max_file_bytes")
    try:
        outcome = _read(data, file_name, digest, limits)
    except ParseRejected as exc:
        return _reject(file_name, digest, exc.reason, exc.detail)
    except Exception as exc:  # the front door must not raise for a file; this is our own bug
        log.exception("parse front door failed (%s) for %s", type(exc).__name__, digest[:12])
        return _reject(file_name, digest, "corrupt", "front door error")
    if isinstance(outcome, Assessment):
        return outcome
    if isinstance(outcome, sandbox.Refusal) and outcome.reason in REASONS:
        return _reject(file_name, digest, outcome.reason, outcome.detail)
    return _reject(file_name, digest, "corrupt", "unexpected result from parse child")


def parse_file(path: Path, limits: ParseLimits) -> Assessment | Rejection:
    """Read the file at ``path`` as ``parse_bytes`` does, naming it by its base name.

    Only ``limits.max_file_bytes + 1`` bytes are read, so an oversized file is rejected as
    ``too_large`` without being loaded whole. An unreadable path is a Rejection (``corrupt``)
    with the hash of the empty byte string.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(limits.max_file_bytes + 1)
            if len(head) > limits.max_file_bytes:
                digest = hashlib.sha256(head)
                for block in iter(lambda: handle.read(1024 * 1024), b""):
                    digest.update(block)
                return _reject(path.name, digest.hexdigest(), "too_large", "file larger than limit")
    except OSError as exc:
        log.warning("could not read file to parse (%s)", type(exc).__name__)
        return _reject(path.name, hashlib.sha256(b"").hexdigest(), "corrupt", "unreadable file")
    return parse_bytes(head, path.name, limits)


def _read(data: bytes, file_name: str, digest: str, limits: ParseLimits) -> object:
    outcome = sandbox.run_isolated(registry.read_any, (data, file_name, digest, limits), limits)
    if not isinstance(outcome, registry.Handoff):
        return outcome
    kind = Kind(outcome.kind)
    target = registry.CONVERTED[kind]
    converted = legacy.convert_doc(data, limits.timeout_seconds, limits.max_file_bytes)
    # The converted bytes are untrusted output of a complex program: same door, same limits.
    return sandbox.run_isolated(
        registry.read_any, (converted, file_name, digest, limits, target.value), limits
    )


def _reject(file_name: str, digest: str, reason: str, detail: str) -> Rejection:
    log.info("file %s rejected: %s (%s)", digest[:12], reason, detail)
    return Rejection(file_name=file_name, sha256=digest, reason=reason, message=REASONS[reason])
