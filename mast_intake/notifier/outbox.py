"""Send what the transactional outbox holds, each email once.

A row is marked sent only after the mailer accepted the email. A crash between the two sends
it again with the same Message-ID, which the receiving side de-duplicates; an email is never
lost. Anything that is not an alert to the service's own administrator may only go to the
allowed partner domains: a recipient elsewhere is refused and the row fails.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable

from mast_intake.crashpoints import crashpoint
from mast_intake.ports import UnitOfWork
from mast_intake.ports.mailer import Mailer, MailerError

log = logging.getLogger(__name__)


class RecipientNotAllowed(MailerError):
    """A recipient outside the allowed domains; nothing about a child leaves for there."""


def _allowed(address: str, domains: list[str], extra: set[str]) -> bool:
    address = address.strip().lower()
    if address in extra:
        return True
    domain = address.rpartition("@")[2]
    return any(domain == d or domain.endswith("." + d) for d in domains)


def deliver(
    uow: Callable[[], UnitOfWork],
    mailer: Mailer,
    allowed_domains: list[str],
    admin_address: str,
    mast_address: str,
    crash_at: str = "",
    limit: int = 100,
) -> Counter:
    """Send pending outbox rows; returns counts of sent and failed."""
    counts: Counter = Counter()
    with uow() as work:
        for row in work.outbox.pending(limit):
            recipients = work.outbox.recipients(row)
            assert row.id is not None  # a stored row has its key
            extra = {mast_address.lower()} | ({admin_address.lower()} if row.kind == "alert" else set())
            try:
                if not all(_allowed(r, allowed_domains, extra) for r in recipients):
                    raise RecipientNotAllowed("recipient outside the allowed domains")
                mailer.send_mime(work.outbox.mime(row))
            except MailerError as exc:
                work.outbox.mark_failed(row.id, type(exc).__name__)
                work.commit()
                counts["failed"] += 1
                log.warning("email not sent", extra={"outbox_id": row.id, "error": type(exc).__name__})
                continue
            crashpoint(crash_at, "after_send")
            work.outbox.mark_sent(row.id)
            work.commit()
            counts["sent"] += 1
            log.info("email sent", extra={"outbox_id": row.id, "kind": row.kind})
    return counts
