"""The poll cycle: every waiting email is read, checked, stored, queued and answered, or
quarantined, with each step safe to repeat after a crash at any point.

Per message (``handle_message``), in this order:

1. read it: safe header fields and every attached file (``intake.mime``, the walk sandboxed);
   its key is its Message-ID and content hashed together, never the raw Message-ID;
2. claim it in its own committed transaction (two poll processes never take the same one);
3. check the sender may submit (``may_submit``: the one place sender trust is decided):
   an allowed domain, and our own mail servers vouch for the From address
   (``intake.sender_verification``); otherwise quarantine, with no reply;
4. read each Word/PDF attachment in an isolated process (already done, while the previous
   message was committed, when step 3 would pass: ``read_ahead``) and run the checks;
5. store the submissions, queue them for MAST and queue the replies, in ONE transaction keyed
   by the message key + attachment SHA-256;
6. only then move the email to the Processed folder.

Nothing about one message stops the cycle: any error is counted against that message, retried
on the next cycles and then quarantined, and the cycle goes on to the next message. A crash
before step 5 commits leaves the email in the inbox to be claimed again; a crash after it
leaves a committed row that the next cycle recognises, moving the email without doing the
work twice. Replies leave through the outbox, sent by ``notifier.outbox``. The administrator
gets one digest per cycle of what was quarantined, never one email per message.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from concurrent.futures import Future
from functools import partial

from mast_intake.crashpoints import crashpoint
from mast_intake.domain.names import split_names
from mast_intake.domain.reference import format_reference
from mast_intake.intake.context import PollContext, may_submit, worker_gone
from mast_intake.intake.digest import Digest, queue_digest
from mast_intake.intake.messages import Incoming
from mast_intake.intake.read_ahead import Read, ReadAhead, read_ahead, read_incoming
from mast_intake.models.assessment import Assessment, Rejection
from mast_intake.models.codec import record_to_storage
from mast_intake.models.finding import Finding, Severity
from mast_intake.notifier.replies import ReadTool, compose_handled_by_hand, compose_replies
from mast_intake.ports import UnitOfWork
from mast_intake.ports.mailbox import MailboxError

log = logging.getLogger(__name__)

LEASE_SECONDS = 600


def _move(ctx: PollContext, key: str, message_key: str, folder: str) -> None:
    ctx.mailbox.move(key, folder)
    with ctx.uow() as uow:
        uow.mail.mark_moved(message_key, key)
        uow.commit()


def _quarantine(ctx: PollContext, key: str, incoming: Incoming, outcome: str,
                error_kind: str | None = None, acknowledge: bool = False) -> str:
    reason = outcome
    with ctx.uow() as uow:
        uow.mail.mark_quarantined(incoming.key, outcome, error_kind)
        uow.audit.append("mast-intake", "quarantined", "message", incoming.key, outcome)
        if acknowledge:
            # The service failed, not the sender: tell them MAST has the email and will read it.
            message = compose_handled_by_hand(ctx.settings, incoming.message_id, incoming.key,
                                              incoming.sender, incoming.sender_name,
                                              incoming.received_at)
            uow.outbox.add(str(message["Message-ID"]), "rejection", [incoming.sender],
                           str(message["Subject"]), bytes(message))
            reason = f"{outcome}_acknowledged"
        uow.commit()
    ctx.digest.add(incoming.key, reason)
    log.warning("message quarantined", extra={"message_id": incoming.key, "outcome": reason})
    _move(ctx, key, incoming.key, ctx.settings.quarantine_folder)
    return "quarantined"


def _claim(ctx: PollContext, key: str, incoming: Incoming) -> str | None:
    """Claim the message; None when it is ours now, else what happened to it."""
    with ctx.uow() as uow:
        row = uow.mail.get(incoming.key)
        if row is not None and row.state in ("processed", "quarantined"):
            # Committed before a crash, but never moved (or the same email delivered again):
            # finish the move only.
            folder = ctx.settings.processed_folder if row.state == "processed" else \
                ctx.settings.quarantine_folder
            uow.rollback()
            _move(ctx, key, incoming.key, folder)
            return "recovered"
        if row is not None and row.state == "claimed" and worker_gone(row.claimed_by):
            uow.mail.expire_lease(incoming.key, row.claimed_by or "")
        claimed = uow.mail.claim(key, incoming.key, incoming.sender, incoming.received_at,
                                 ctx.worker_id, LEASE_SECONDS, ctx.settings.max_attempts)
        uow.commit()
        if claimed is not None:
            return None
        row = uow.mail.get(incoming.key)
        state = row.state if row else None
        attempts = row.attempts if row else 0
        error_kind = row.last_error_kind if row else None
        # A live lease belongs to a worker still busy with the message: leave it alone.
        abandoned = state == "failed" or (
            state == "claimed" and row is not None and row.claimed_until is not None
            and row.claimed_until < ctx.clock()
        )
    if abandoned and attempts >= ctx.settings.max_attempts:
        return _give_up(ctx, key, incoming, error_kind)
    return "skipped"


def _give_up(ctx: PollContext, key: str, incoming: Incoming, error_kind: str | None) -> str:
    """Quarantine a message that failed too often (claiming it first, as quarantine needs).

    The failures were the service's (a crash, a lease that ran out, a bug), so an allowed
    sender is told that MAST has their email and will handle the tool by hand.
    """
    with ctx.uow() as uow:
        uow.mail.claim(key, incoming.key, incoming.sender, incoming.received_at,
                       ctx.worker_id, LEASE_SECONDS)
        uow.commit()
    return _quarantine(ctx, key, incoming, "failed_repeatedly", error_kind,
                       acknowledge=may_submit(ctx, incoming) is None)


def _store(ctx: PollContext, uow: UnitOfWork, incoming: Incoming,
           results: list[tuple[str, str, Assessment | Rejection, list[Finding]]]) -> tuple[
               list[ReadTool], list[Rejection]]:
    read: list[ReadTool] = []
    rejected: list[Rejection] = []
    for file_name, sha256, outcome, findings in results:
        if uow.submissions.exists(incoming.key, sha256):
            continue
        add_submission = partial(uow.submissions.add, message_id=incoming.key, sha256=sha256,
                                 file_name=file_name, sender=incoming.sender,
                                 received_at=incoming.received_at)
        if isinstance(outcome, Rejection):
            add_submission(kind="unknown", status="rejected", reason=outcome.reason)
            rejected.append(outcome)
            continue
        child = None
        if outcome.child.name and outcome.child.dob:
            names = split_names(outcome.child.name)
            child = uow.children.find_or_create_child(names[0] if names else outcome.child.name,
                                                      outcome.child.dob, names[1:])
        is_review = child is not None and child.id is not None and (
            bool(uow.decisions.for_child(child.id))
            or outcome.child.fields.get("previous_cse", "").strip().lower().startswith("yes")
        )
        history = None
        if ctx.across_tools is not None:  # hook: checks against earlier tools, before storing
            findings, history = ctx.across_tools.check(uow, outcome, child, findings)
        submission = add_submission(
            kind=outcome.kind, status="parsed", record=record_to_storage(outcome),
            findings=[f.to_dict() for f in findings], child_id=child.id if child else None,
            assessment_date=outcome.assessment_date, stated_total=outcome.stated_total,
            stated_category=outcome.stated_category, computed_total=outcome.computed_total,
            computed_category=outcome.computed_category,
        )
        if ctx.across_tools is not None:  # hook: keep its fingerprints, alert to a copied passage
            ctx.across_tools.remember(uow, submission, outcome, findings, history)
        needs_correction = any(f.severity == Severity.MUST_FIX for f in findings)
        uow.agenda.enqueue(submission, is_review, needs_correction)
        assert submission.id is not None  # stored, so it has its key
        original = next(a.data for a in incoming.attachments if a.sha256 == sha256)
        if ctx.attachments is not None:
            # Before the commit, so a committed submission always has its file; a crash in
            # between leaves an orphan file that the retention job removes.
            ctx.attachments.put(submission.id, sha256, original)
        read.append(ReadTool(format_reference(submission.id), outcome, findings, original))
    return read, rejected


def _released(ctx: PollContext, incoming: Incoming) -> bool:
    """True when an administrator released this message from quarantine (web console)."""
    with ctx.uow() as uow:
        row = uow.mail.get(incoming.key)
        return row is not None and row.outcome == "released"


def _read(ctx: PollContext, raw: bytes) -> Read:
    """The message as the intake sees it, its files read when its sender may submit
    (``read_ahead``)."""
    incoming = read_incoming(ctx.settings, raw, ctx.clock, ctx.sender_verifier)
    return read_ahead(ctx.settings, incoming, ctx.parse)


def _refused_id(reason: str, file_name: str) -> str:
    """The stand-in "sha256" of a file not read, unique per name, within the column's 64."""
    return f"{reason}:{hashlib.sha256(file_name.encode('utf-8', 'replace')).hexdigest()[:48]}"


def _read_attachments(ctx: PollContext, read: Read) -> list[
        tuple[str, str, Assessment | Rejection, list[Finding]]]:
    incoming = read.incoming
    results = []
    seen: set[str] = set()
    for attachment in incoming.attachments:
        if attachment.sha256 in seen:  # the same file attached twice is read once
            continue
        seen.add(attachment.sha256)
        outcome = read.files.get(attachment.sha256)
        if outcome is None:  # not read ahead: a message an administrator released, say
            outcome = ctx.parse(attachment.data, attachment.file_name)
        findings = ctx.check(outcome) if isinstance(outcome, Assessment) else []
        results.append((attachment.file_name, attachment.sha256, outcome, findings))
    for refused in incoming.refused:
        stand_in = _refused_id(refused.reason, refused.file_name)
        if stand_in in seen:
            continue
        seen.add(stand_in)
        results.append((refused.file_name, stand_in,
                        Rejection(refused.file_name, "", refused.reason, ""), []))
    return results


def _commit(ctx: PollContext, incoming: Incoming, results: list) -> str:
    """Store, queue and answer in one transaction; returns the outcome name."""
    settings = ctx.settings
    with ctx.uow() as uow:
        read, rejected = _store(ctx, uow, incoming, results)
        for message in compose_replies(settings, incoming.message_id, incoming.sender,
                                       incoming.sender_name, incoming.received_at, read, rejected,
                                       identity=incoming.key):
            uow.outbox.add(str(message["Message-ID"]), "precheck" if read else "rejection",
                           [incoming.sender], str(message["Subject"]), bytes(message))
        outcome_name = "parsed" if read else ("rejected" if rejected else "no_attachment")
        uow.mail.mark_processed(incoming.key, outcome_name, ctx.worker_id)
        uow.audit.append("mast-intake", "processed", "message", incoming.key,
                         json.dumps({"outcome": outcome_name, "read": len(read),
                                     "rejected": len(rejected), "signature": incoming.signature}))
        crashpoint(settings.crashpoint, "before_commit")
        uow.commit()
    log.info("message processed", extra={
        "message_id": incoming.key, "outcome": outcome_name, "signature": incoming.signature,
        "submissions": [t.reference for t in read], "rejected": [r.reason for r in rejected],
    })
    return outcome_name


def _failed(ctx: PollContext, key: str, incoming: Incoming, exc: Exception) -> str:
    """Count a failure against the message; quarantine it once it has failed too often."""
    error_kind = type(exc).__name__
    ctx.digest.last_error = error_kind
    log.error("message failed", extra={"message_id": incoming.key, "error": error_kind})
    with ctx.uow() as uow:
        row = uow.mail.mark_failed(incoming.key, error_kind)
        uow.commit()
    if row.attempts >= ctx.settings.max_attempts:
        return _give_up(ctx, key, incoming, error_kind)
    return "failed"


def handle_message(ctx: PollContext, key: str, ahead: Future[Read] | None = None) -> str:
    """Take one message from the inbox to Processed or Quarantine; returns what happened.

    ``ahead``: the message fetched and read ahead (``read_ahead``); None reads it here.
    """
    settings = ctx.settings
    read = ahead.result() if ahead is not None else _read(ctx, ctx.mailbox.fetch(key))
    incoming = read.incoming
    already = _claim(ctx, key, incoming)
    if already is not None:
        return already
    crashpoint(settings.crashpoint, "after_claim")
    try:
        # A message an administrator released from quarantine was vouched for by them.
        if not _released(ctx, incoming):
            refusal = may_submit(ctx, incoming)
            if refusal is not None:
                return _quarantine(ctx, key, incoming, refusal)
        outcome_name = _commit(ctx, incoming, _read_attachments(ctx, read))
        crashpoint(settings.crashpoint, "after_commit")
        _move(ctx, key, incoming.key, settings.processed_folder)
        return outcome_name
    except MailboxError:
        raise
    except Exception as exc:  # unexpected: log the type only, retry, quarantine when it persists
        return _failed(ctx, key, incoming, exc)


def recover_unmoved(ctx: PollContext) -> int:
    """Finish moves that a crash interrupted after the commit."""
    with ctx.uow() as uow:
        rows = [(r.mailbox_key, r.message_id, r.state) for r in uow.mail.unmoved()]
    moved = 0
    for key, message_key, state in rows:
        folder = ctx.settings.processed_folder if state == "processed" else ctx.settings.quarantine_folder
        _move(ctx, key, message_key, folder)
        moved += 1
    return moved


def _after_commit(ctx: PollContext) -> None:
    """Run the context's hook; its failure (a mail server down) never stops the cycle."""
    if ctx.after_commit is None:
        return
    try:
        ctx.after_commit()
    except Exception as exc:  # the rows stay pending and go with the next send
        log.warning("sending after a message failed", extra={"error": type(exc).__name__})


def _warm_up(ctx: PollContext) -> None:
    """Run the context's warm-up; a failure is left to the checks, which meet it per message."""
    if ctx.warm_up is None:
        return
    try:
        ctx.warm_up()
    except Exception as exc:
        log.warning("warming up the checks failed", extra={"error": type(exc).__name__})


def poll_once(ctx: PollContext) -> Counter:
    """One cycle over the inbox; returns how many messages ended which way.

    Only an unreachable mailbox ends the cycle early (MailboxError); whatever one message
    does is counted and the cycle goes on.
    """
    counts: Counter = Counter()
    ctx.digest = Digest()
    with ctx.uow() as uow:
        run_id = uow.poll_runs.start(ctx.worker_id).id
        uow.commit()
    assert run_id is not None  # stored, so it has its key
    error_kind = None
    try:
        counts["recovered"] += recover_unmoved(ctx)
        keys = list(ctx.mailbox.pending())
        with ReadAhead(ctx.mailbox, partial(_read, ctx)) as reader:
            following = reader.submit(keys[0]) if keys else None
            if following is not None:
                _warm_up(ctx)
            for index, key in enumerate(keys):
                ahead = following
                # The next message is read while this one is checked, committed and answered.
                following = reader.submit(keys[index + 1]) if index + 1 < len(keys) else None
                try:
                    counts[handle_message(ctx, key, ahead)] += 1
                except MailboxError as exc:
                    # Gone (another worker moved it) or the server failed mid-way: the committed
                    # state decides what the next cycle does with it.
                    counts["mailbox_error"] += 1
                    log.warning("mailbox operation failed", extra={"error": type(exc).__name__})
                except Exception as exc:  # even the failure path failed: the next cycle retries
                    counts["error"] += 1
                    ctx.digest.last_error = type(exc).__name__
                    log.error("message not handled", extra={"error": type(exc).__name__})
                _after_commit(ctx)
    except MailboxError as exc:
        error_kind = type(exc).__name__
        log.error("mailbox unavailable", extra={"error": error_kind})
        raise
    finally:
        counts = +counts
        with ctx.uow() as uow:
            queue_digest(ctx.digest, uow, ctx.settings, ctx.clock())
            uow.poll_runs.finish(run_id, dict(counts), error_kind or ctx.digest.last_error)
            uow.commit()
        log.info("poll cycle finished", extra={"counts": dict(counts)})
    return counts
