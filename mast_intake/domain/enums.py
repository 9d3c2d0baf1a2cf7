"""Labelled enums: the one source of every value list the CLI, web, templates and tables use.

Each member is a plain string (what is stored and posted) with a ``label`` for people. ``parse``
accepts the value or its hyphenated spelling (``not-referred``), case-insensitively.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    """A string enum whose members carry a human label: ``LOW = "low", "Low"``."""

    label: str

    def __new__(cls, value: str, label: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """Every stored value, in declaration order."""
        return tuple(member.value for member in cls)

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Value -> label, in declaration order (for forms and templates)."""
        return {member.value: member.label for member in cls}

    @classmethod
    def parse(cls, text: str) -> Self:
        """The member for ``text`` (value, any case, ``-`` for ``_``); ValueError naming the choices."""
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        for member in cls:
            if member.value == key:
                return member
        choices = ", ".join(cls.values())
        raise ValueError(f"{text!r} is not one of: {choices}")


class Level(LabelledEnum):
    """A risk band, as counted from a tool or as agreed by MAST."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"

    @property
    def rank(self) -> int:
        """0 for low, 1 for medium, 2 for high."""
        return list(Level).index(self)


class CaseStatus(LabelledEnum):
    """What MAST decided about the child's CSE case status (the police and social care marker)."""

    ADDED = "added", "Added"
    REMOVED = "removed", "Removed"
    UNCHANGED = "unchanged", "Unchanged"
    CLOSED_AFTER_REVIEW = "closed_after_review", "Closed after the closure review"


class NrmOutcome(LabelledEnum):
    """The National Referral Mechanism decision."""

    REFERRED = "referred", "Referred"
    NOT_REFERRED = "not_referred", "Considered, not referred"
    NOT_APPLICABLE = "not_applicable", "Not applicable"

    @classmethod
    def from_stored(cls, value: str) -> NrmOutcome:
        """Read a stored value, including the codes decisions made before 0004 carry."""
        # Enum lookup by value; mypy reads the call as the two-argument member constructor.
        return cls(LEGACY_NRM.get(value, value))  # type: ignore[call-arg]


# Decisions are append-only, so rows written before the complete record keep their old codes.
LEGACY_NRM: dict[str, str] = {"yes": "referred", "considered": "not_referred", "no": "not_applicable"}


class AgendaState(LabelledEnum):
    """Where a tool is in the meeting cycle."""

    QUEUED = "queued", "Waiting to be placed on a meeting"
    ON_AGENDA = "on_agenda", "On the agenda"
    DEFERRED = "deferred", "Deferred"
    DECIDED = "decided", "Decided"
    REPLACED = "replaced", "Replaced by a newer tool"


class MailState(LabelledEnum):
    """A mailbox message this service has claimed, and what became of it."""

    CLAIMED = "claimed", "Being processed"
    PROCESSED = "processed", "Processed"
    QUARANTINED = "quarantined", "Quarantined"
    FAILED = "failed", "Failed (will be retried)"


class OutboxState(LabelledEnum):
    """An email in the outbox."""

    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Could not be sent"
