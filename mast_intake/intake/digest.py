"""The admin digest: one alert per poll cycle for everything it quarantined, never one per message."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from mast_intake.config.settings import Settings
from mast_intake.notifier.compose import Envelope, compose_alert
from mast_intake.notifier.views.alerts import AlertView
from mast_intake.ports import UnitOfWork

# Ids listed in one digest; the count says how many there were in all.
DIGEST_IDS = 50


@dataclass
class Digest:
    """What one cycle quarantined (message keys and reason codes only) and its last error."""

    keys: list[str] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)
    last_error: str | None = None

    def add(self, key: str, reason: str) -> None:
        """Note one quarantined message and why."""
        self.keys.append(key)
        self.reasons[reason] += 1


def queue_digest(digest: Digest, uow: UnitOfWork, settings: Settings, now: datetime) -> bool:
    """Queue one admin alert for everything in ``digest``; False when it is empty."""
    if not digest.keys:
        return False
    view = AlertView(kind="poll_digest", occurred_at=now, ids=tuple(digest.keys[:DIGEST_IDS]),
                     reasons=tuple(sorted(digest.reasons.items())), count=len(digest.keys))
    message = compose_alert(view, Envelope(
        sender=f"MAST Intake <{settings.mast_address}>", to=(settings.admin_address,),
    ))
    uow.outbox.add(str(message["Message-ID"]), "alert", [settings.admin_address],
                   str(message["Subject"]), bytes(message))
    return True
