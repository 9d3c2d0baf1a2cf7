"""What one poll cycle works with (built once by the composition root), and who may submit."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from mast_intake.config.settings import Settings
from mast_intake.intake.across_tools import AcrossTools
from mast_intake.intake.digest import Digest
from mast_intake.intake.messages import Incoming
from mast_intake.intake.sender_verification.domains import sender_in_allowed_domains
from mast_intake.models.assessment import Assessment, Rejection
from mast_intake.models.finding import Finding
from mast_intake.ports import UnitOfWork
from mast_intake.ports.mailbox import Mailbox
from mast_intake.ports.senders import SenderVerifier
from mast_intake.protection.attachments import AttachmentStore

log = logging.getLogger(__name__)


def worker_identity() -> str:
    """host:pid:random, so a dead worker on this host can be recognised by its pid."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def worker_gone(worker_id: str | None) -> bool:
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
    uow: Callable[[], UnitOfWork]
    parse: Callable[[bytes, str], Assessment | Rejection]
    check: Callable[[Assessment], list[Finding]]
    clock: Callable[[], datetime]
    # Decides whether our own mail servers vouch for the From address.
    sender_verifier: SenderVerifier
    worker_id: str = field(default_factory=worker_identity)
    # Where the original of each parsed tool is kept (sealed); None keeps no originals.
    attachments: AttachmentStore | None = None
    digest: Digest = field(default_factory=Digest)
    # Called after each message is handled, its replies committed to the outbox: sends them
    # now rather than after the whole batch. None leaves the outbox to the caller.
    after_commit: Callable[[], None] | None = None
    # Checks against the child's earlier tools and other children's (intake/across_tools.py).
    across_tools: AcrossTools | None = None
    # Loads what the checks need (spaCy's pipeline) while the first message is read.
    warm_up: Callable[[], object] | None = None


def sender_refusal(settings: Settings, incoming: Incoming) -> str | None:
    """Whether this sender may submit, decided from the message alone: None, or why not.

    The domain must be allowed and our own mail servers must vouch for the From address.
    """
    if not incoming.sender:
        return "no_valid_sender"
    if not sender_in_allowed_domains(incoming.sender, settings.allowed_sender_domains):
        return "sender_not_allowed"
    verdict = incoming.sender_verdict
    if verdict is None or not verdict.accepted:
        return "sender_not_verified"
    return None


def may_submit(ctx: PollContext, incoming: Incoming) -> str | None:
    """The one place the poll decides whether this sender may submit: None, or why not
    (``sender_refusal``, with a log line for a sender our mail servers did not vouch for)."""
    refusal = sender_refusal(ctx.settings, incoming)
    if refusal == "sender_not_verified":
        verdict = incoming.sender_verdict
        log.warning("sender not verified", extra={"message_id": incoming.key,
                                                  "reason": verdict.reason if verdict else "unread"})
    return refusal
