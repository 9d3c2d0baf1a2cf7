"""The poll cycle: every waiting email is read, checked, stored, queued and answered, or
quarantined, with each step safe to repeat after a crash at any point.

Per message, in this order:

1. claim it in its own committed transaction (two poll processes never take the same one);
2. check the sender may submit (allowed domain) and that our own mail servers vouch for the
   From address (``intake.sender_verification``); otherwise quarantine, with no reply;
3. read each Word/PDF attachment in an isolated process and run the checks;
4. store the submissions, queue them for MAST and queue the replies, in ONE transaction keyed
   by Message-ID + attachment SHA-256;
5. only then move the email to the Processed folder.

A crash before step 4 commits leaves the email in the inbox to be claimed again; a crash after
it leaves a committed row that the next cycle recognises, moving the email without doing the
work twice. Replies leave through the outbox, sent by ``notifier.outbox``.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from mast_intake.config.settings import Settings
from mast_intake.intake.across_tools import AcrossTools
from mast_intake.intake.crashpoints import crashpoint
from mast_intake.intake.mailbox import Mailbox, MailboxError
from mast_intake.intake.messages import Incoming, read_message
from mast_intake.intake.sender_verification import SenderVerifier
from mast_intake.intake.sender_verification.domains import sender_in_allowed_domains
from mast_intake.intake.unit_of_work import AbstractUnitOfWork
from mast_intake.models.assessment import Assessment, Rejection
from mast_intake.models.codec import record_to_storage
from mast_intake.models.finding import Finding, Severity
from mast_intake.models.reference import case_reference
from mast_intake.notifier.compose import Envelope, compose_alert
from mast_intake.notifier.replies import ReadTool, compose_replies
from mast_intake.notifier.views import AlertView
from mast_intake.protection.attachments import AttachmentStore
from mast_intake.storage.repositories import split_names

log = logging.getLogger(__name__)

LEASE_SECONDS = 600


def worker_identity() -> str:
    """host:pid:random, so a dead worker on this host can be recognised by its pid."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _dead_here(worker_id: str | None) -> bool:
    """True when ``worker_id`` was a process on this host that no longer runs."""
    if not worker_id:
        return False
    host, _, rest = worker_id.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass
class PollContext:
    """Everything one cycle needs, built by the composition root."""

    settings: Settings
    mailbox: Mailbox
    uow: Callable[[], AbstractUnitOfWork]
    parse: Callable[[bytes, str], Assessment | Rejection]
    check: Callable[[Assessment], list[Finding]]
    clock: Callable[[], datetime]
    # Decides whether our own mail servers vouch for the From address.
    sender_verifier: SenderVerifier
    worker_id: str = field(default_factory=worker_identity)
    # Where the original of each parsed tool is kept (sealed); None keeps no originals.
    attachments: AttachmentStore | None = None
    # Checks against the child's earlier tools and other children's (intake/across_tools.py).
    across_tools: AcrossTools | None = None


def _alert(ctx: PollContext, uow: AbstractUnitOfWork, kind: str, ids: tuple[str, ...],
           reasons: tuple[tuple[str, int], ...] = (), attempts: int = 0) -> None:
    view = AlertView(kind=kind, occurred_at=ctx.clock(), ids=ids, reasons=reasons,  # type: ignore[arg-type]
                     attempts=attempts)
    message = compose_alert(view, Envelope(
        sender=f"MAST Intake <{ctx.settings.mast_address}>", to=(ctx.settings.admin_address,),
    ))
    uow.outbox.add(str(message["Message-ID"]), "alert", [ctx.settings.admin_address],
                   str(message["Subject"]), bytes(message))


def _move(ctx: PollContext, key: str, message_id: str, folder: str) -> None:
    ctx.mailbox.move(key, folder)
    with ctx.uow() as uow:
        uow.mail.mark_moved(message_id, key)
        uow.commit()


def _quarantine(ctx: PollContext, key: str, incoming: Incoming, outcome: str, kind: str,
                error_kind: str | None = None, attempts: int = 0) -> str:
    with ctx.uow() as uow:
        uow.mail.mark_quarantined(incoming.message_id, outcome, error_kind)
        uow.audit.append("mast-intake", "quarantined", "message", incoming.message_id, outcome)
        _alert(ctx, uow, kind, (incoming.message_id,), ((outcome, 1),), attempts)
        uow.commit()
    log.warning("message quarantined", extra={"message_id": incoming.message_id, "outcome": outcome})
    _move(ctx, key, incoming.message_id, ctx.settings.quarantine_folder)
    return "quarantined"


def _claim(ctx: PollContext, key: str, incoming: Incoming) -> str | None:
    """Claim the message; None when it is ours now, else what happened to it."""
    with ctx.uow() as uow:
        row = uow.mail.get(incoming.message_id)
        if row is not None and row.state in ("processed", "quarantined"):
            # Committed before a crash, but never moved: finish the move only.
            folder = ctx.settings.processed_folder if row.state == "processed" else \
                ctx.settings.quarantine_folder
            uow.rollback()
            _move(ctx, key, incoming.message_id, folder)
            return "recovered"
        if row is not None and row.state == "claimed" and _dead_here(row.claimed_by):
            uow.mail.expire_lease(incoming.message_id, row.claimed_by or "")
        claimed = uow.mail.claim(key, incoming.message_id, incoming.sender, incoming.received_at,
                                 ctx.worker_id, LEASE_SECONDS, ctx.settings.max_attempts)
        uow.commit()
        if claimed is not None:
            return None
        row = uow.mail.get(incoming.message_id)
        state = row.state if row else None
        attempts = row.attempts if row else 0
        error_kind = row.last_error_kind if row else None
        # A live lease belongs to a worker still busy with the message: leave it alone.
        abandoned = state == "failed" or (
            state == "claimed" and row is not None and row.claimed_until is not None
            and row.claimed_until < ctx.clock()
        )
    if abandoned and attempts >= ctx.settings.max_attempts:
        return _give_up(ctx, key, incoming, error_kind, attempts)
    return "skipped"


def _give_up(ctx: PollContext, key: str, incoming: Incoming, error_kind: str | None,
             attempts: int) -> str:
    """Quarantine a message that failed too often (claiming it first, as quarantine needs)."""
    with ctx.uow() as uow:
        uow.mail.claim(key, incoming.message_id, incoming.sender, incoming.received_at,
                       ctx.worker_id, LEASE_SECONDS)
        uow.commit()
    return _quarantine(ctx, key, incoming, "failed_repeatedly", "repeated_failures",
                       error_kind, attempts)


def _store(ctx: PollContext, uow: AbstractUnitOfWork, incoming: Incoming,
           results: list[tuple[str, str, Assessment | Rejection, list[Finding]]]) -> tuple[
               list[ReadTool], list[Rejection]]:
    read: list[ReadTool] = []
    rejected: list[Rejection] = []
    for file_name, sha256, outcome, findings in results:
        if uow.submissions.exists(incoming.message_id, sha256):
            continue
        common = dict(message_id=incoming.message_id, sha256=sha256, file_name=file_name,
                      sender=incoming.sender, received_at=incoming.received_at)
        if isinstance(outcome, Rejection):
            uow.submissions.add(**common, kind="unknown", status="rejected", reason=outcome.reason)
            rejected.append(outcome)
            continue
        child = None
        if outcome.child.name and outcome.child.dob:
            names = split_names(outcome.child.name)
            child = uow.children.find_or_create_child(names[0] if names else outcome.child.name,
                                                      outcome.child.dob, names[1:])
        is_review = child is not None and (
            bool(uow.decisions.for_child(child.id))
            or outcome.child.fields.get("previous_cse", "").strip().lower().startswith("yes")
        )
        if ctx.across_tools is not None:  # hook: checks against earlier tools, before storing
            findings = ctx.across_tools.check(uow, outcome, child, findings)  # type: ignore[arg-type]
        submission = uow.submissions.add(
            **common, kind=outcome.kind, status="parsed", record=record_to_storage(outcome),
            findings=[f.to_dict() for f in findings], child_id=child.id if child else None,
            assessment_date=outcome.assessment_date, stated_total=outcome.stated_total,
            stated_category=outcome.stated_category, computed_total=outcome.computed_total,
            computed_category=outcome.computed_category,
        )
        if ctx.across_tools is not None:  # hook: keep its fingerprints, alert to a copied passage
            ctx.across_tools.remember(uow, submission, outcome, findings)  # type: ignore[arg-type]
        needs_correction = any(f.severity == Severity.MUST_FIX for f in findings)
        uow.agenda.enqueue(submission, is_review, needs_correction)
        original = next(a.data for a in incoming.attachments if a.sha256 == sha256)
        if ctx.attachments is not None:
            # Before the commit, so a committed submission always has its file; a crash in
            # between leaves an orphan file that the retention job removes.
            ctx.attachments.put(submission.id, sha256, original)
        read.append(ReadTool(case_reference(submission.id), outcome, findings, original))
    return read, rejected


def _released(ctx: PollContext, incoming: Incoming) -> bool:
    """True when an administrator released this message from quarantine (web console)."""
    with ctx.uow() as uow:
        row = uow.mail.get(incoming.message_id)
        return row is not None and row.outcome == "released"


def handle_message(ctx: PollContext, key: str) -> str:
    """Take one message from the inbox to Processed or Quarantine; returns what happened."""
    settings = ctx.settings
    raw = ctx.mailbox.fetch(key)
    incoming = read_message(raw, settings.max_attachments, settings.max_attachment_bytes)
    already = _claim(ctx, key, incoming)
    if already is not None:
        return already
    crashpoint(settings.crashpoint, "after_claim")
    try:
        # A message an administrator released from quarantine was vouched for by them.
        if not _released(ctx, incoming):
            if not sender_in_allowed_domains(incoming.sender, settings.allowed_sender_domains):
                return _quarantine(ctx, key, incoming, "sender_not_allowed", "sender_not_allowed")
            verdict = ctx.sender_verifier.verify(raw, incoming.sender)
            if not verdict.accepted:
                log.warning("sender not verified", extra={"message_id": incoming.message_id,
                                                          "reason": verdict.reason})
                return _quarantine(ctx, key, incoming, "sender_not_verified", "sender_not_verified")
        results = []
        for attachment in incoming.attachments:
            outcome = ctx.parse(attachment.data, attachment.file_name)
            findings = ctx.check(outcome) if isinstance(outcome, Assessment) else []
            results.append((attachment.file_name, attachment.sha256, outcome, findings))
        for name in incoming.oversized:
            results.append((name, f"oversized:{name}", Rejection(name, "", "too_large", ""), []))
        with ctx.uow() as uow:
            read, rejected = _store(ctx, uow, incoming, results)
            for message in compose_replies(settings, incoming.message_id, incoming.sender,
                                           incoming.sender_name, incoming.received_at, read, rejected):
                uow.outbox.add(str(message["Message-ID"]), "precheck" if read else "rejection",
                               [incoming.sender], str(message["Subject"]), bytes(message))
            outcome_name = "parsed" if read else ("rejected" if rejected else "no_attachment")
            uow.mail.mark_processed(incoming.message_id, outcome_name, ctx.worker_id)
            uow.audit.append("mast-intake", "processed", "message", incoming.message_id,
                             json.dumps({"outcome": outcome_name, "read": len(read),
                                         "rejected": len(rejected)}))
            crashpoint(settings.crashpoint, "before_commit")
            uow.commit()
        crashpoint(settings.crashpoint, "after_commit")
        log.info("message processed", extra={
            "message_id": incoming.message_id, "outcome": outcome_name,
            "submissions": [t.reference for t in read], "rejected": [r.reason for r in rejected],
        })
        _move(ctx, key, incoming.message_id, settings.processed_folder)
        return outcome_name
    except MailboxError:
        raise
    except Exception as exc:  # unexpected: log the type only, retry, quarantine when it persists
        log.exception("message failed", extra={"message_id": incoming.message_id,
                                                "error": type(exc).__name__})
        with ctx.uow() as uow:
            row = uow.mail.mark_failed(incoming.message_id, type(exc).__name__)
            uow.commit()
        if row.attempts >= settings.max_attempts:
            return _give_up(ctx, key, incoming, type(exc).__name__, row.attempts)
        return "failed"


def recover_unmoved(ctx: PollContext) -> int:
    """Finish moves that a crash interrupted after the commit."""
    with ctx.uow() as uow:
        rows = [(r.mailbox_key, r.message_id, r.state) for r in uow.mail.unmoved()]
    moved = 0
    for key, message_id, state in rows:
        folder = ctx.settings.processed_folder if state == "processed" else ctx.settings.quarantine_folder
        _move(ctx, key, message_id, folder)
        moved += 1
    return moved


def poll_once(ctx: PollContext) -> Counter:
    """One cycle over the inbox; returns how many messages ended which way."""
    counts: Counter = Counter()
    with ctx.uow() as uow:
        run_id = uow.poll_runs.start(ctx.worker_id).id
        uow.commit()
    error_kind = None
    try:
        counts["recovered"] += recover_unmoved(ctx)
        for key in list(ctx.mailbox.pending()):
            try:
                counts[handle_message(ctx, key)] += 1
            except MailboxError as exc:
                # Gone (another worker moved it) or the server failed mid-way: the committed
                # state decides what the next cycle does with it.
                counts["mailbox_error"] += 1
                log.warning("mailbox operation failed", extra={"error": type(exc).__name__})
    except MailboxError as exc:
        error_kind = type(exc).__name__
        log.error("mailbox unavailable", extra={"error": error_kind})
        raise
    finally:
        with ctx.uow() as uow:
            uow.poll_runs.finish(run_id, dict(counts), error_kind)
            uow.commit()
        log.info("poll cycle finished", extra={"counts": dict(counts)})
    return counts
