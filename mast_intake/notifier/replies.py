"""The worker's replies for one incoming email: a pre-check per tool read, or a rejection."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from email.message import EmailMessage
from typing import cast

from mast_intake.config.settings import Settings
from mast_intake.models.assessment import Assessment, ItemEntry, Rejection
from mast_intake.models.finding import Finding
from mast_intake.models.form import ITEMS, Category
from mast_intake.notifier.advice import (
    comment_message,
    full_fix,
    guide_words,
    place_label,
    rule_summary,
    short_fix,
    short_fix_for,
)
from mast_intake.notifier.agenda import calendar_of
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
from mast_intake.notifier.precheck_view import CountedItemView, PrecheckView, ReviewDateView
from mast_intake.notifier.review_copy import annotate_docx, rebuild_docx, review_file_name
from mast_intake.notifier.views.findings import FindingView, ScoreView
from mast_intake.notifier.views.labels import item_label
from mast_intake.notifier.views.rejections import RejectedFileView, RejectionView
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rules.review_due import next_review

FIRST_WORDS = 8
"""How many of a counted point's first words the score explanation quotes."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadTool:
    """One attachment that was read, with its stored reference and findings."""

    reference: str
    record: Assessment
    findings: list[Finding]
    original: bytes = b""


def finding_view(finding: Finding, record: Assessment | None = None,
                 review: ReviewDateView | None = None) -> FindingView:
    """A finding with its rule's summary, the guide's sentence and how to put it right.

    With the tool's ``record`` (and its ``review`` date), the short fix is the one its rule
    writes for this tool (the totals, the review date) instead of the rule's general one.
    """
    if record is None:
        short = short_fix(finding.code)
    else:
        short = short_fix_for(finding.code, record, review.sentence if review else "")
    view = FindingView.from_finding(
        finding, summary=rule_summary(finding.code), guide=guide_words(finding.code),
        how_to_fix=full_fix(finding.code), short_fix=short,
    )
    place = place_label(finding.code) if finding.item is None else None
    return replace(view, item_label=place) if place else view


def score_view(record: Assessment) -> ScoreView:
    """Stated and recomputed score and band side by side."""
    return ScoreView(
        record.stated_total, record.stated_category, record.computed_total, record.computed_category
    )


def _first_words(text: str, count: int = FIRST_WORDS) -> str:
    """The first ``count`` words of ``text``, with "..." when there are more."""
    words = text.split()
    return " ".join(words[:count]) + ("..." if len(words) > count else "")


def counted_item(item: ItemEntry) -> CountedItemView:
    """An item counted towards the total: its label, and the first words of the point counted."""
    scored = [entry for entry in item.entries if (entry.score or 0) > 0]
    point = scored[0].text if scored else item.rationale
    return CountedItemView(item_label(item.key), _first_words(point), max(item.score, 1))


def counted_items(record: Assessment) -> tuple[CountedItemView, ...]:
    """Every item that adds a point to the recounted total, in the form's order."""
    order = {key: index for index, key in enumerate(ITEMS)}
    counted = [item for item in record.items.values() if item.counted]
    counted.sort(key=lambda item: order.get(item.key, len(order)))
    return tuple(counted_item(item) for item in counted)


def review_date(record: Assessment, settings: Settings, received_at: datetime) -> ReviewDateView | None:
    """The tool's next review date as the reply words it; None without an assessment date."""
    due = next_review(record, CheckOptions.from_settings(settings))
    if due is None:
        return None
    # A band is one of the three: the interval was looked up by it (ReviewIntervals.weeks_for).
    return ReviewDateView(due.due, due.weeks, cast(Category, due.band), received_at.date())


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


def review_copy(tool: ReadTool, review: ReviewDateView | None = None) -> list[Attachment]:
    """The worker's tool with each finding as a Word comment (a rebuilt copy for a PDF).

    A rule may word its comment with the reply's own words (the review date), so the copy and
    the email say the same.
    """
    if not tool.findings:
        return []
    sentence = review.sentence if review else ""
    findings = [replace(f, message=comment_message(f.code, f.message, sentence)) for f in tool.findings]
    try:
        if tool.record.kind == "docx" and tool.original:
            data = annotate_docx(tool.original, findings)
        else:
            data = rebuild_docx(tool.record, findings)
    except Exception as exc:  # the reply matters more than its attachment: send it without
        log.warning("review copy not made", extra={"error": type(exc).__name__})
        return []
    return [(review_file_name(tool.record.file_name), data, DOCX_MIME)]


def reference_for_message(message_id: str) -> str:
    """An email's reference for the quarantine (an email with no tool read opens no case)."""
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
    meeting_at = calendar_of(settings.meeting).meeting_for(received_at)
    messages = []
    for index, tool in enumerate(read):
        review = review_date(tool.record, settings, received_at)
        attachments = review_copy(tool, review) if settings.review_comments_attachment else []
        view = PrecheckView(
            reference=tool.reference,
            file_name=tool.record.file_name,
            worker_name=sender_name,
            child_name=tool.record.child.name or "",
            received_at=received_at,
            score=score_view(tool.record),
            findings=tuple(finding_view(f, tool.record, review) for f in tool.findings),
            meeting_at=meeting_at,
            mast_address=settings.mast_address,
            rejected_files=not_read if index == 0 else (),
            sender_unverified=settings.senders_unverified,
            review_copy_name=attachments[0][0] if attachments else "",
            counted_items=counted_items(tool.record),
            review=review,
        )
        envelope = _envelope(settings, sender, message_id, reply_id(ident, tool.reference, settings))
        messages.append(compose_precheck(view, envelope, attachments))
    if not read:
        rejection = RejectionView(
            worker_name=sender_name,
            received_at=received_at,
            files=not_read,
            no_attachment=not not_read,
            mast_address=settings.mast_address,
            sender_unverified=settings.senders_unverified,
        )
        envelope = _envelope(settings, sender, message_id, reply_id(ident, "rejection", settings))
        messages.append(compose_rejection(rejection, envelope))
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
