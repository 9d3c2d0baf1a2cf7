"""Build complete outgoing emails from views: headers, text and HTML bodies, attachments.

Each ``compose_*`` function returns an ``EmailMessage`` ready for ``Mailer.send``: From, To
(and Cc), Subject, Message-ID, Date, In-Reply-To/References when replying, a text/plain part
with a text/html alternative, then any attachments.

Decisions:

- **Subjects carry no child data**: only the submission reference, the meeting date or an alert
  kind. Not the child's name, and not the attachment's file name (workers often name files after
  the child). Messages about a child start with the "OFFICIAL-SENSITIVE" marking.
- **Message-ID** is the one given in the envelope, or a new one made with ``make_msgid`` on a
  stable domain: the envelope's ``msgid_domain``, else the sender's domain. The host name is
  never used, so ids do not change with the server and do not reveal it.
- **Replies** to the worker's email set In-Reply-To and References so mail clients thread them,
  but never echo the worker's subject.
- Every message is marked ``Auto-Submitted`` (RFC 3834) and ``X-Auto-Response-Suppress: All``
  so out-of-office replies do not loop back into the MAST mailbox.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, select_autoescape

from mast_intake.notifier.agenda_docx import DOCX_MIME, agenda_filename, build_agenda_docx
from mast_intake.notifier.precheck_view import PrecheckView
from mast_intake.notifier.views.agenda import AgendaView
from mast_intake.notifier.views.alerts import AlertView
from mast_intake.notifier.views.case_note import CaseNoteView
from mast_intake.notifier.views.dates import dmy_date, uk_date, uk_datetime
from mast_intake.notifier.views.labels import greeting_name
from mast_intake.notifier.views.rejections import RejectionView
from mast_intake.notifier.views.reminders import ReminderView

MARKING = "OFFICIAL-SENSITIVE"
FALLBACK_MSGID_DOMAIN = "mast-intake.localdomain"

Attachment = tuple[str, bytes, str]
"""An attachment as (file name, content, MIME type such as "application/pdf")."""


@dataclass(frozen=True)
class Envelope:
    """Who a message is from and to, and how it threads.

    Attributes:
        sender: The From address, e.g. "MAST <nymast@northyorks.gov.uk>".
        to: One or more recipient addresses.
        cc: Copy recipients.
        reply_to: A Reply-To address, when replies should go somewhere other than ``sender``.
        in_reply_to: The Message-ID of the worker's email this replies to, if any.
        references: The worker's email's own References, to keep the thread whole.
        message_id: A Message-ID to use (e.g. one stored in the outbox), else a new one is made.
        date: The Date header; now (UTC) when None.
        msgid_domain: The domain for a new Message-ID; the sender's domain when None.
    """

    sender: str
    to: tuple[str, ...]
    cc: tuple[str, ...] = ()
    reply_to: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    message_id: str | None = None
    date: datetime | None = None
    msgid_domain: str | None = None


@cache
def environment() -> Environment:
    """The Jinja2 environment, built once: package templates, HTML autoescaped, strict."""
    env = Environment(
        loader=PackageLoader("mast_intake.notifier", "templates"),
        autoescape=select_autoescape(
            enabled_extensions=("html", "html.j2"), default_for_string=False, default=False
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["uk_date"] = uk_date
    env.filters["dmy"] = dmy_date
    env.filters["uk_datetime"] = uk_datetime
    env.filters["greeting"] = greeting_name
    # The case note's case-record block; compose_case_note passes a configured one instead.
    env.globals["case_record"] = "case_record.txt.j2"
    return env


def render(name: str, view: object, **context: object) -> tuple[str, str]:
    """Render ``name``.txt.j2 and ``name``.html.j2 with ``view`` (and ``context``); returns (text, html)."""
    env = environment()
    text = env.get_template(f"{name}.txt.j2").render(view=view, **context)
    html = env.get_template(f"{name}.html.j2").render(view=view, **context)
    return _tidy(text), html


def _tidy(text: str) -> str:
    """Collapse runs of blank lines left by template logic and end with one newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"


def _angle(message_id: str) -> str:
    """A Message-ID in angle brackets."""
    message_id = message_id.strip()
    return message_id if message_id.startswith("<") else f"<{message_id}>"


def _domain(envelope: Envelope) -> str:
    """The stable domain for new Message-IDs."""
    if envelope.msgid_domain:
        return envelope.msgid_domain
    address = envelope.sender.strip().rstrip(">")
    domain = address.rpartition("@")[2].strip().lower()
    return domain or FALLBACK_MSGID_DOMAIN


def build_message(
    envelope: Envelope,
    subject: str,
    text: str,
    html: str,
    attachments: Iterable[Attachment] = (),
    *,
    reply: bool = False,
) -> EmailMessage:
    """Assemble headers, the text/HTML alternative and attachments into one EmailMessage."""
    if not envelope.to:
        raise ValueError("a message needs at least one recipient")
    message = EmailMessage()
    message["From"] = envelope.sender
    message["To"] = ", ".join(envelope.to)
    if envelope.cc:
        message["Cc"] = ", ".join(envelope.cc)
    if envelope.reply_to:
        message["Reply-To"] = envelope.reply_to
    message["Subject"] = subject
    message["Date"] = format_datetime(envelope.date or datetime.now(UTC))
    message["Message-ID"] = (
        _angle(envelope.message_id) if envelope.message_id else make_msgid(domain=_domain(envelope))
    )
    if envelope.in_reply_to:
        parent = _angle(envelope.in_reply_to)
        message["In-Reply-To"] = parent
        chain = [_angle(ref) for ref in envelope.references if ref.strip()]
        if parent not in chain:
            chain.append(parent)
        message["References"] = " ".join(chain)
    message["Auto-Submitted"] = "auto-replied" if reply else "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    for filename, data, mime_type in attachments:
        maintype, _, subtype = mime_type.partition("/")
        if not subtype:
            raise ValueError(f"attachment {filename!r} needs a MIME type like 'type/subtype'")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def precheck_subject(view: PrecheckView) -> str:
    """Subject of the pre-check reply: the reference, and whether a correction is needed."""
    subject = f"{MARKING}: CSE risk tool received, {view.reference}"
    return subject + (" - please send a corrected tool" if view.needs_correction else "")


def rejection_subject(view: RejectionView) -> str:
    """Subject of the rejection reply (no reference: no case was opened)."""
    return f"{MARKING}: We could not read your CSE risk tool"


def agenda_subject(view: AgendaView) -> str:
    """Subject of the agenda: meeting date and time and the number of cases."""
    count = len(view.cases)
    return (
        f"{MARKING}: MAST CSE meeting agenda, {uk_datetime(view.meeting_at)} "
        f"({count} case{'s' if count != 1 else ''})"
    )


def case_note_subject(view: CaseNoteView) -> str:
    """Subject of the decision case note; a correction says so first."""
    prefix = "CORRECTION - " if view.is_correction else ""
    return f"{MARKING}: {prefix}MAST CSE decision, {view.reference}"


def reminder_subject(view: ReminderView) -> str:
    """Subject of the review reminder, or of its escalation to MAST."""
    if view.escalation:
        return f"{MARKING}: CSE risk tool review overdue, {view.reference}"
    return f"{MARKING}: CSE risk tool review due, {view.reference}"


def alert_subject(view: AlertView) -> str:
    """Subject of an admin alert (no child data, so no marking)."""
    return f"MAST Intake alert: {view.title}"


def compose_precheck(
    view: PrecheckView, envelope: Envelope, attachments: Sequence[Attachment] = ()
) -> EmailMessage:
    """The pre-check reply to the worker."""
    text, html = render("precheck", view)
    return build_message(envelope, precheck_subject(view), text, html, attachments, reply=True)


def compose_rejection(
    view: RejectionView, envelope: Envelope, attachments: Sequence[Attachment] = ()
) -> EmailMessage:
    """The reply saying which files could not be read and what to send instead."""
    text, html = render("rejection", view)
    return build_message(envelope, rejection_subject(view), text, html, attachments, reply=True)


def compose_agenda(
    view: AgendaView, envelope: Envelope, attachments: Sequence[Attachment] = ()
) -> EmailMessage:
    """The agenda to the MAST mailbox, with the Word agenda attached first."""
    docx = (agenda_filename(view), build_agenda_docx(view), DOCX_MIME)
    text, html = render("agenda", view)
    return build_message(envelope, agenda_subject(view), text, html, [docx, *attachments])


def compose_case_note(
    view: CaseNoteView, envelope: Envelope, attachments: Sequence[Attachment] = (),
    case_record: Template | None = None,
) -> EmailMessage:
    """The MAST decision case note to the worker, with the block for the case record.

    ``case_record`` is the block's template (see ``case_record.case_record_template``).
    """
    text, html = render("case_note", view, **({"case_record": case_record} if case_record else {}))
    return build_message(envelope, case_note_subject(view), text, html, attachments)


def compose_reminder(
    view: ReminderView, envelope: Envelope, attachments: Sequence[Attachment] = ()
) -> EmailMessage:
    """The review reminder to the worker, or the escalation to MAST."""
    text, html = render("reminder", view)
    return build_message(envelope, reminder_subject(view), text, html, attachments)


def compose_alert(view: AlertView, envelope: Envelope) -> EmailMessage:
    """The admin alert: ids, counts and reasons only, never attachments."""
    text, html = render("alert", view)
    return build_message(envelope, alert_subject(view), text, html)
