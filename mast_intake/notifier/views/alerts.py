"""Alerts to the service administrator: ids, counts and reason codes, never child data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

AlertKind = Literal["quarantined", "sender_not_allowed", "sender_not_verified", "repeated_failures",
                    "database_damaged", "poll_digest",
                    "copied_text"]

ALERT_TITLES: dict[str, str] = {
    "quarantined": "A message was moved to quarantine",
    "sender_not_allowed": "A message came from a sender who is not allowed",
    "sender_not_verified": "Our mail servers do not vouch for a message's sender",
    "database_damaged": "The nightly database check failed",
    "repeated_failures": "Processing keeps failing",
    "poll_digest": "Messages were moved to quarantine in the last poll",
    "copied_text": "A tool holds a passage from a tool about another child",
}

_SAFE_TOKEN = re.compile(r"^[A-Za-z0-9_.:@<>/+=-]{1,200}$")


@dataclass(frozen=True)
class AlertView:
    """An alert to the service administrator. It carries NO child data.

    Only opaque ids, counts and reason codes are allowed; every id and reason is checked to be a
    single token (no spaces), so free text from a message or a file cannot slip in.

    Attributes:
        kind: What happened: quarantined, sender_not_allowed, sender_not_verified,
            repeated_failures, database_damaged, poll_digest (everything one poll cycle
            quarantined, in one alert) or copied_text (a tool holds another child's text).
        occurred_at: When it happened.
        ids: Opaque ids involved (mailbox keys, Message-IDs, submission ids).
        reasons: Reason codes with how many times each occurred, e.g. (("corrupt", 2),).
        attempts: How many attempts were made (for repeated failures), else 0.
        count: How many messages are affected.
    """

    kind: AlertKind
    occurred_at: datetime
    ids: tuple[str, ...] = ()
    reasons: tuple[tuple[str, int], ...] = ()
    attempts: int = 0
    count: int = 1

    def __post_init__(self) -> None:
        if self.kind not in ALERT_TITLES:
            raise ValueError(f"unknown alert kind {self.kind!r}")
        for token in (*self.ids, *(reason for reason, _ in self.reasons)):
            if not _SAFE_TOKEN.match(token):
                raise ValueError("alert ids and reasons must be single tokens without spaces")

    @property
    def title(self) -> str:
        """A one-line description of the kind of alert."""
        return ALERT_TITLES[self.kind]
