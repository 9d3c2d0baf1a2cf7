"""Files that could not be read, and the reply that says what to send instead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mast_intake.parsers.rejections import REASONS

NO_ATTACHMENT = "no_attachment"
"""Reason code for an email that carried no Word or PDF attachment at all."""

NOT_REPLIED = frozenset({"sender_not_allowed", "sender_not_verified"})
"""Reasons that never get a reply to the sender; they go to the admin alert instead."""

REJECTION_TITLES: dict[str, str] = {
    "scanned": "It looks like a scan or photo",
    "encrypted": "It is password-protected",
    "legacy_doc": "It is an old-style Word file (.doc)",
    "macro_enabled": "It is a Word file with macros (.docm)",
    "corrupt": "It is damaged or incomplete",
    "unsupported_type": "It is not a Word or PDF file",
    "too_large": "It is too large",
    "limits_exceeded": "It is too complex to read safely",
    "not_a_risk_tool": "It does not contain the CSE risk guidance tool",
    "archive": "It is a zip file",
    "encrypted_email": "The email is encrypted",
    "over_cap": "It was one file too many",
    NO_ATTACHMENT: "There was no Word or PDF file attached",
}

NO_ATTACHMENT_MESSAGE = (
    "Your email did not have a Word (.docx) or PDF file attached. Please reply with the "
    "completed CSE risk guidance tool attached as a Word document (or a PDF saved from Word)."
)


@dataclass(frozen=True)
class RejectedFileView:
    """A file we could not read, why, and what to do instead.

    Attributes:
        file_name: The attachment's file name as sent (shown to the sender only, in the body).
        reason: A reason code from ``parsers.rejections.REASONS`` or ``NO_ATTACHMENT``.
        message: What was wrong and what to do instead (the reason's message, which says both).
    """

    file_name: str
    reason: str
    message: str

    @classmethod
    def for_reason(cls, file_name: str, reason: str) -> RejectedFileView:
        """Build the view for a reason code; raises ValueError for reasons not replied to."""
        if reason in NOT_REPLIED:
            raise ValueError(f"reason {reason!r} is never replied to; send an admin alert")
        if reason == NO_ATTACHMENT:
            return cls(file_name, reason, NO_ATTACHMENT_MESSAGE)
        if reason not in REASONS:
            raise ValueError(f"unknown rejection reason {reason!r}")
        return cls(file_name, reason, REASONS[reason])


@dataclass(frozen=True)
class RejectionView:
    """The reply when none of the attachments could be read as a risk tool.

    It has no reference: no case was opened, and the reply threads under the worker's email.

    Attributes:
        worker_name: The sender's display name, for the greeting ("" when unknown).
        received_at: When the email reached the MAST mailbox.
        files: Each file that could not be read (empty when there was no attachment).
        no_attachment: True when the email had no Word or PDF attachment at all.
        mast_address: The mailbox to send the corrected tool to.
        sender_unverified: Sender verification is off (an explicit setting): the reply says so.
    """

    worker_name: str
    received_at: datetime
    files: tuple[RejectedFileView, ...] = ()
    no_attachment: bool = False
    mast_address: str = "nymast@northyorks.gov.uk"
    sender_unverified: bool = False

    def __post_init__(self) -> None:
        if not self.files and not self.no_attachment:
            raise ValueError("a rejection needs at least one file or no_attachment=True")

    @property
    def no_attachment_message(self) -> str:
        """What to do when nothing was attached."""
        return NO_ATTACHMENT_MESSAGE
