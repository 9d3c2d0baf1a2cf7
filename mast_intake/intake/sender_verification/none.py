"""The ``none`` adapter: nothing is checked (embedded Maildir, or an explicit opt-in)."""

from __future__ import annotations

from mast_intake.ports.senders import NOT_CHECKED, SenderVerdict


class NoVerification:
    """Takes every From address on trust; the settings allow it only where that is safe or said."""

    mode = "none"

    def verify(self, raw: bytes, sender: str) -> SenderVerdict:
        """Always "not checked": the email is processed, and never counted as verified."""
        return SenderVerdict(verified=False, reason=NOT_CHECKED)
