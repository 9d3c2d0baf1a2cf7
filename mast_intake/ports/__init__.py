"""Every port of the service, as a ``typing.Protocol``: what services need from the outside world.

Services (intake, notifier, protection, reports) type against these and never import an
adapter; adapters (``storage``, ``intake/adapters``, ``notifier/adapters``, the sender
verifiers) implement them; the entry points (``bootstrap``, ``cli``, ``web``, ``scheduler``)
choose the adapters. ``tests/fakes.py`` implements them in memory for the service tests.

- ``cases``: repositories of a case's path (mail, children, submissions, agenda, decisions, outbox).
- ``records``: repositories of what the service keeps about itself (audit, poll runs, meetings,
  fingerprints, data protection, report figures).
- ``unit_of_work``: the transaction that holds the repositories.
- ``mailbox`` and ``mailer``: incoming and outgoing mail; ``senders``: sender verification.
- ``sealing``: encryption at rest; ``clock``: the time.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mast_intake.ports.cases import (
        AgendaRepository,
        ChildRepository,
        DecisionRepository,
        OutboxRepository,
        ProcessedMailRepository,
        SubmissionRepository,
    )
    from mast_intake.ports.clock import Clock
    from mast_intake.ports.mailbox import Mailbox, MailboxError
    from mast_intake.ports.mailer import Mailer, MailerError
    from mast_intake.ports.records import (
        AuditRepository,
        DataProtectionRepository,
        FingerprintRepository,
        MeetingRepository,
        PollRunRepository,
        ReportRepository,
    )
    from mast_intake.ports.sealing import PlainText, Sealer
    from mast_intake.ports.senders import NOT_CHECKED, SenderVerdict, SenderVerifier
    from mast_intake.ports.unit_of_work import UnitOfWork

# Each name is imported from its module when first used, so importing one port (the mailbox's,
# say, for the command line) does not load the others and what they need (the holiday calendar).
_HOMES = {
    "AgendaRepository": "cases",
    "AuditRepository": "records",
    "ChildRepository": "cases",
    "Clock": "clock",
    "DataProtectionRepository": "records",
    "DecisionRepository": "cases",
    "FingerprintRepository": "records",
    "Mailbox": "mailbox",
    "MailboxError": "mailbox",
    "Mailer": "mailer",
    "MailerError": "mailer",
    "MeetingRepository": "records",
    "NOT_CHECKED": "senders",
    "OutboxRepository": "cases",
    "PlainText": "sealing",
    "PollRunRepository": "records",
    "ProcessedMailRepository": "cases",
    "ReportRepository": "records",
    "Sealer": "sealing",
    "SenderVerdict": "senders",
    "SenderVerifier": "senders",
    "SubmissionRepository": "cases",
    "UnitOfWork": "unit_of_work",
}


def __getattr__(name: str) -> object:
    """The port called ``name``, from its module."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


__all__ = [
    "NOT_CHECKED",
    "AgendaRepository",
    "AuditRepository",
    "ChildRepository",
    "Clock",
    "DataProtectionRepository",
    "DecisionRepository",
    "FingerprintRepository",
    "Mailbox",
    "MailboxError",
    "Mailer",
    "MailerError",
    "MeetingRepository",
    "OutboxRepository",
    "PlainText",
    "PollRunRepository",
    "ProcessedMailRepository",
    "ReportRepository",
    "Sealer",
    "SenderVerdict",
    "SenderVerifier",
    "SubmissionRepository",
    "UnitOfWork",
]
