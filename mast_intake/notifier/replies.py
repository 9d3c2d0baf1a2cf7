"""The worker's replies for one incoming email: a pre-check per tool read, or a rejection."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from mast_intake.config.settings import Settings
from mast_intake.models.assessment import Assessment, Rejection
from mast_intake.models.finding import Finding
from mast_intake.notifier.agenda import meeting_for
from mast_intake.notifier.agenda_docx import DOCX_MIME
from mast_intake.notifier.compose import (
    MARKING,
    Attachment,
    Envelope,
    build_message,
    compose_precheck,
    compose_rejection,
    render,
)
from mast_intake.notifier.review_copy import annotate_docx, rebuild_docx, review_file_name
from mast_intake.notifier.views import (
    FindingView,
    PrecheckView,
    RejectedFileView,
    RejectionView,
    ScoreView,
)
from mast_intake.validation.catalogue import RULES_BY_CODE

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadTool:
    """One attachment that was read, with its stored reference and findings."""

    reference: str
    record: Assessment
    findings: list[Finding]
    original: bytes = b""


def finding_view(finding: Finding) -> FindingView:
    """A finding with its rule's summary, the guide's sentence and how to put it right."""
    rule = RULES_BY_CODE.get(finding.code)
    if rule is None:
        return FindingView.from_finding(finding)
    how = rule.how_to_fix()
    example = rule.good_example()
    if example:
        how = f"{how} For example: {example}"
    return FindingView.from_finding(finding, summary=rule.summary(), guide=rule.guide, how_to_fix=how)


def score_view(record: Assessment) -> ScoreView:
    """Stated and recomputed score and band side by side."""
    return ScoreView(
        record.stated_total, record.stated_category, record.computed_total, record.computed_category
    )


def _envelope(settings: Settings, to: str, in_reply_to: str, message_id: str) -> Envelope:
    return Envelope(
        sender=f"MAST <{settings.mast_address}>",
        to=(to,),
        in_reply_to=in_reply_to,
        message_id=message_id,
    )


def reply_id(message_id: str, part: str, settings: Settings) -> str:
    """A stable Message-ID for a reply, so a re-run after a crash queues the same email."""
    digest = hashlib.sha256(f"{message_id}|{part}".encode()).hexdigest()[:32]
    return f"<{digest}.{part}@{settings.mast_address.rpartition('@')[2]}>"


def review_copy(tool: ReadTool) -> list[Attachment]:
    """The worker's tool with each finding as a Word comment (a rebuilt copy for a PDF)."""
    if not tool.findings:
        return []
    try:
        if tool.record.kind == "docx" and tool.original:
            data = annotate_docx(tool.original, tool.findings)
        else:
            data = rebuild_docx(tool.record, tool.findings)
    except Exception as exc:  # the reply matters more than its attachment: send it without
        log.warning("review copy not made", extra={"error": type(exc).__name__})
        return []
    return [(review_file_name(tool.record.file_name), data, DOCX_MIME)]


def reference_for_message(message_id: str) -> str:
    """A short reference for an email with no tool read (it has no submission number)."""
    return "E-" + hashlib.sha256(message_id.encode()).hexdigest()[:8].upper()


def compose_replies(
    settings: Settings,
    message_id: str,
    sender: str,
    sender_name: str,
    received_at: datetime,
    read: Sequence[ReadTool],
    rejected: Sequence[Rejection],
    identity: str | None = None,
) -> list[EmailMessage]:
    """One pre-check reply per tool read (the first also lists files not read), else one rejection.

    ``identity`` (the stored message key) makes the replies' own ids and the reference; two
    different emails that reuse one Message-ID still get a reply each.
    """
    ident = identity or message_id
    not_read = tuple(RejectedFileView.for_reason(r.file_name, r.reason) for r in rejected)
    meeting_at = meeting_for(received_at, settings.meeting)
    messages = []
    for index, tool in enumerate(read):
        view = PrecheckView(
            reference=tool.reference,
            file_name=tool.record.file_name,
            worker_name=sender_name,
            child_name=tool.record.child.name or "",
            received_at=received_at,
            score=score_view(tool.record),
            findings=tuple(finding_view(f) for f in tool.findings),
            meeting_at=meeting_at,
            mast_address=settings.mast_address,
            rejected_files=not_read if index == 0 else (),
        )
        envelope = _envelope(settings, sender, message_id, reply_id(ident, tool.reference, settings))
        attachments = review_copy(tool) if settings.review_comments_attachment else []
        messages.append(compose_precheck(view, envelope, attachments))
    if not read:
        view = RejectionView(
            reference=reference_for_message(ident),
            worker_name=sender_name,
            received_at=received_at,
            files=not_read,
            no_attachment=not not_read,
            mast_address=settings.mast_address,
        )
        envelope = _envelope(settings, sender, message_id, reply_id(ident, "rejection", settings))
        messages.append(compose_rejection(view, envelope))
    return messages



@dataclass(frozen=True)
class HandledByHandView:
    """The reply when the service itself kept failing on an email: MAST will read it by hand."""

    reference: str
    worker_name: str
    received_at: datetime
    mast_address: str


def compose_handled_by_hand(settings: Settings, message_id: str, identity: str, sender: str,
                            sender_name: str, received_at: datetime) -> EmailMessage:
    """The acknowledgement to an allowed sender whose email the service could not process."""
    view = HandledByHandView(reference_for_message(identity), sender_name, received_at,
                             settings.mast_address)
    text, html = render("handled_by_hand", view)
    envelope = _envelope(settings, sender, message_id, reply_id(identity, "by-hand", settings))
    subject = f"{MARKING}: We have your email and will handle it by hand, ref {view.reference}"
    return build_message(envelope, subject, text, html, reply=True)
