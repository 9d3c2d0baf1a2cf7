"""Why a file could not be read, in stable reason codes and plain words for the worker.

The reason is for machines (replies, metrics, the quarantine); the message is what the worker
reads, so it says what to do next and never repeats anything from inside the file.
"""

from __future__ import annotations

REASONS: dict[str, str] = {
    "scanned": (
        "This file looks like a scan or photo: it has no text we can read. Please send the risk "
        "tool as the Word document you completed (or a PDF saved from Word), not a scan."
    ),
    "encrypted": (
        "This file is password-protected, so we cannot open it. Please remove the password and "
        "send it again; the email itself is already sent securely within the council."
    ),
    "legacy_doc": (
        "This is an old-style Word file (.doc) that we cannot read. Please open it in Word, "
        "choose Save As, pick 'Word Document (.docx)' and send the new file."
    ),
    "macro_enabled": (
        "This Word file contains macros (.docm), which we do not open for safety. Please save "
        "it as a plain 'Word Document (.docx)' and send that instead."
    ),
    "not_a_risk_tool": (
        "We could not find the CSE risk guidance tool in this file. Please send the completed "
        "VEMT Information Gathering and Risk Assessment Tool using the current form."
    ),
    "corrupt": (
        "This file is damaged or incomplete and cannot be opened. Please save the risk tool "
        "again from Word and send a fresh copy."
    ),
    "unsupported_type": (
        "We can only read risk tools sent as Word (.docx) or PDF files. Please send the "
        "completed tool in one of those formats."
    ),
    "too_large": (
        "This file is larger than we accept. Please remove any pictures or embedded files "
        "from the risk tool and send it again."
    ),
    "limits_exceeded": (
        "This file is too complex for us to read safely. Please save the risk tool again from "
        "Word as a plain .docx (or a PDF saved from Word) and send that instead."
    ),
    "archive": (
        "This is a zip file. We do not open zip files. Please attach the risk tool itself (the "
        "Word document or a PDF saved from Word), not a zip file holding it."
    ),
    "encrypted_email": (
        "Your email was encrypted, and this service cannot read encrypted email. Please send "
        "the tool unencrypted to the MAST mailbox through the usual secure route (or as the "
        "council's guidance on sending to MAST says)."
    ),
    "over_cap": (
        "This file was not read: the email held more files than we read from one email. "
        "Please send this tool again in an email of its own."
    ),
}


class ParseRejected(Exception):
    """A file that cannot be read as a risk tool; ``reason`` is one of ``REASONS``.

    ``detail`` is for the service's own log only and never names anything from the file's text.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown rejection reason {reason!r}")
        super().__init__(reason)
        self.reason = reason
        self.detail = detail

    @property
    def message(self) -> str:
        return REASONS[self.reason]
