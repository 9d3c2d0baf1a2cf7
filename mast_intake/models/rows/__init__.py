"""The stored rows, as SQLModel classes on their own metadata: what repositories return.

Columns that can hold words about a child (file names, parsed records, findings, recommendations,
email subjects and bodies, names) are ``Text``/``LargeBinary`` and are only written and read by
the repositories, so that encryption at rest is done there without touching these classes. The
classes live in the base layer so that ports and services can name them without importing storage.
"""

from mast_intake.models.rows.base import (
    APPEND_ONLY,
    CASE_STATUSES,
    LEVELS,
    OUTBOX_KINDS,
    USER_ROLES,
    UtcDateTime,
    metadata,
    utc_now,
)
from mast_intake.models.rows.cases import (
    AgendaDeferral,
    AgendaEntry,
    Child,
    ChildAlias,
    Decision,
    Outbox,
    ProcessedMail,
    Submission,
)
from mast_intake.models.rows.service import (
    AuditLog,
    Meeting,
    PollRun,
    SignInThrottle,
    TextFingerprint,
    ToolFact,
    WebSession,
    WebUser,
)

__all__ = [
    "APPEND_ONLY",
    "CASE_STATUSES",
    "LEVELS",
    "OUTBOX_KINDS",
    "USER_ROLES",
    "AgendaDeferral",
    "AgendaEntry",
    "AuditLog",
    "Child",
    "ChildAlias",
    "Decision",
    "Meeting",
    "Outbox",
    "PollRun",
    "ProcessedMail",
    "SignInThrottle",
    "Submission",
    "TextFingerprint",
    "ToolFact",
    "UtcDateTime",
    "WebSession",
    "WebUser",
    "metadata",
    "utc_now",
]
