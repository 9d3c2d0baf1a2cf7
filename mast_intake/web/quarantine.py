"""The quarantine, for administrators: emails set aside by the poll, released or rejected by hand.

An email is quarantined when its sender is outside the allowed domains, our mail servers do
not vouch for its sender, or it kept failing. The page shows only what the service knows
without opening it (sender, times, reason, attempts), never its contents.

- Release: the email goes back to the inbox (the Maildir adapter moves it; with Exchange the
  administrator moves it in Outlook) and the next poll reads it as if new, without the sender
  check: the administrator has vouched for the sender.
- Reject: the email stays in the quarantine folder, closed. A reply can go to the sender with
  the administrator's words, but only to an allowed domain: the outbox refuses anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from mast_intake.bootstrap import App
from mast_intake.config.settings import Settings
from mast_intake.models.rows import ProcessedMail
from mast_intake.notifier.compose import MARKING, Envelope, build_message
from mast_intake.notifier.outbox import _allowed
from mast_intake.notifier.replies import reference_for_message, reply_id
from mast_intake.notifier.views.dates import uk_datetime
from mast_intake.storage.unit_of_work import SqlUnitOfWork

REASON_LABELS = {
    "sender_not_allowed": "Sender outside the allowed domains",
    "sender_not_verified": "Our mail servers do not vouch for the sender (possibly forged)",
    "no_valid_sender": "No readable sender address",
    "failed_repeatedly": "Could not be processed after several attempts",
}


@dataclass(frozen=True)
class QuarantineRow:
    """A quarantined email as the page lists it: who sent it and why it is held, never its content."""

    id: int | None
    reference: str
    sender: str
    received_at: datetime
    reason: str | None
    attempts: int
    error: str | None
    can_reply: bool


def listing(uow: SqlUnitOfWork, settings: Settings) -> list[QuarantineRow]:
    """The quarantined emails, oldest first, as the page shows them."""
    return [
        QuarantineRow(
            id=row.id, reference=reference_for_message(row.message_id), sender=row.sender,
            received_at=row.received_at, reason=REASON_LABELS.get(row.outcome or "", row.outcome),
            attempts=row.attempts, error=row.last_error_kind,
            can_reply=_allowed(row.sender, settings.allowed_sender_domains, set()),
        )
        for row in uow.mail.quarantined()
    ]


def _find(uow: SqlUnitOfWork, row_id: int) -> ProcessedMail | None:
    return next((row for row in uow.mail.quarantined() if row.id == row_id), None)


def release(app: App, row_id: int, actor: str) -> str:
    """Let the next poll process the email; "released", "released_by_hand" or "gone"."""
    with app.uow() as uow:
        row = _find(uow, row_id)
        if row is None:
            return "gone"
        message_id, key = row.message_id, row.mailbox_key
        uow.mail.release(message_id)
        uow.audit.append(actor, "released", "message", message_id)
        # Moved back before the commit: if the commit fails, the next poll sees a quarantined row
        # for a message in the inbox and files it in the quarantine again.
        moved = app.mailbox.restore(key, app.settings.quarantine_folder)
        uow.commit()
    return "released" if moved else "released_by_hand"


def reject(app: App, row_id: int, actor: str, reply: str, send_reply: bool) -> str:
    """Close the email; with ``send_reply``, queue the administrator's reply to an allowed sender."""
    settings = app.settings
    with app.uow() as uow:
        row = _find(uow, row_id)
        if row is None:
            return "gone"
        replied = send_reply and bool(reply) and _allowed(row.sender, settings.allowed_sender_domains, set())
        if replied:
            reference = reference_for_message(row.message_id)
            received = uk_datetime(row.received_at)
            text = (f"{MARKING}\n\nYour email to the MAST mailbox, received {received} (reference "
                    f"{reference}), could not be accepted.\n\n{reply}\n\nMAST\n{settings.mast_address}\n")
            html = "".join(f"<p>{escape(part).replace(chr(10), '<br>')}</p>" for part in text.split("\n\n"))
            message = build_message(
                Envelope(sender=f"MAST <{settings.mast_address}>", to=(row.sender,),
                         in_reply_to=row.message_id,
                         message_id=reply_id(row.message_id, "quarantine-reject", settings),
                         date=datetime.now(UTC)),
                f"{MARKING}: We could not accept your email, ref {reference}", text, html, reply=True,
            )
            uow.outbox.add(str(message["Message-ID"]), "rejection", [row.sender], str(message["Subject"]),
                           bytes(message))
        uow.mail.dismiss(row.message_id)
        uow.audit.append(actor, "rejected", "message", row.message_id, "replied" if replied else "no reply")
        uow.commit()
    return "rejected_replied" if replied else "rejected"
