"""Subject access and erasure: everything held about one child, out or gone, with an audit line.

:func:`export_child` gathers the child's names and date of birth, every tool received about
them (the parsed record, the checks' findings, the original attachment when still held), the
agenda entries and decisions, and the audit lines about those records. :func:`erase_child`
removes all of it, plus the emails that carried those tools from the embedded Maildir when no
other child's tool came in the same email. Both leave an audit line (ids and counts only).

Not covered, and said so in the export: emails already sent (the outbox table is purged by the
mail retention rule, and copies live in recipients' mailboxes) and mail held by an external
mail server (EWS or Graph), which its own tools must search.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from mast_intake.config.settings import Settings
from mast_intake.ports import UnitOfWork
from mast_intake.ports.errors import NotFound
from mast_intake.protection.attachments import AttachmentStore, StoredAttachment

NOT_COVERED = (
    "Emails already sent are not included: the service keeps them only until the mail retention "
    "period ends, and copies are in the recipients' mailboxes. Mail held by an external mail "
    "server (Exchange) must be searched there."
)


def find_child_id(uow: UnitOfWork, child_id: int | None, name: str | None, dob: date | None) -> int:
    """The child's id, given directly or found by name (or alias) and date of birth; NotFound."""
    if child_id is not None:
        if uow.children.get(child_id) is None:
            raise NotFound(f"no child {child_id}")
        return child_id
    if not name or dob is None:
        raise NotFound("give the child's id, or a name and date of birth")
    child = uow.children.find(name, dob)
    if child is None or child.id is None:
        raise NotFound("no child with that name and date of birth")
    return child.id


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_child(uow_factory: Callable[[], UnitOfWork], store: AttachmentStore, child_id: int,
                 actor: str, include_attachments: bool = True) -> dict[str, Any]:
    """Everything held about the child, as a JSON-ready dict; audited as ``exported``."""
    with uow_factory() as uow:
        child = uow.children.get(child_id)
        if child is None:
            raise NotFound(f"no child {child_id}")
        submissions = []
        attachments = 0
        subjects = [("child", str(child_id))]
        for submission in uow.submissions.for_child(child_id):
            assert submission.id is not None
            subjects.append(("submission", str(submission.id)))
            entry = uow.agenda.for_submission(submission.id)
            # The complete decision record, as the domain defines it.
            decisions = [] if entry is None or entry.id is None else [
                uow.decisions.to_record(d).to_dict() for d in uow.decisions.for_entry(entry.id)
            ]
            item: dict[str, Any] = {
                "id": submission.id, "reference": f"MAST-{submission.id}",
                "received_at": _iso(submission.received_at), "sender": submission.sender,
                "message_id": submission.message_id, "file_name": uow.submissions.file_name(submission),
                "kind": submission.kind, "sha256": submission.sha256,
                "record": uow.submissions.record(submission),
                "findings": uow.submissions.findings(submission),
                "agenda_entry": None if entry is None else {
                    "id": entry.id, "state": entry.state, "meeting_date": _iso(entry.meeting_date),
                    "is_review": entry.is_review, "deferrals": entry.deferrals,
                    "deferred": [{"from": _iso(d.from_day), "to": _iso(d.to_day), "by": d.deferred_by}
                                 for d in uow.agenda.deferrals_of(entry.id)] if entry.id else [],
                },
                "decisions": decisions,
                "attachment": None,
            }
            data = store.get(submission.id, submission.sha256)
            if data is not None:
                attachments += 1
                item["attachment"] = {"held": True} if not include_attachments else {
                    "held": True, "content_base64": base64.b64encode(data).decode()}
            submissions.append(item)
        audit = [
            {"at": _iso(row.at), "actor": row.actor, "action": row.action,
             "subject_type": row.subject_type, "subject_id": row.subject_id, "detail": row.detail}
            for kind, sid in subjects
            for row in uow.audit.list(subject_type=kind, subject_id=sid, limit=10_000)
        ]
        export = {
            "child": {"id": child_id, "name": uow.children.display_name(child),
                      "names": uow.children.names(child_id), "dob": _iso(child.dob),
                      "first_recorded": _iso(child.created_at)},
            "submissions": submissions,
            "audit": sorted(audit, key=lambda row: row["at"] or ""),
            "not_included": NOT_COVERED,
        }
        uow.audit.append(actor, "exported", "child", child_id, json.dumps(
            {"submissions": len(submissions), "attachments": attachments if include_attachments else 0}))
        uow.commit()
    return export


def erase_child(uow_factory: Callable[[], UnitOfWork], store: AttachmentStore, settings: Settings,
                child_id: int, actor: str) -> dict[str, int]:
    """Remove everything held about the child; audited as ``erased``. Counts of what went."""
    with uow_factory() as uow:
        if uow.children.get(child_id) is None:
            raise NotFound(f"no child {child_id}")
        repo = uow.protection
        held = repo.submissions_of_child(child_id)
        own = {sid for sid, _, _ in held}
        emails = []
        if settings.mailbox == "maildir":
            for message_id in sorted({m for _, _, m in held}):
                shared = any(s.id not in own for s in uow.submissions.for_message(message_id))
                row = uow.mail.get(message_id)
                if row is not None and not shared:
                    emails.append(row.mailbox_key)
        counts = repo.erase_child(child_id)
        files = [path for sid, sha, _ in held if (path := store.held_path(sid, sha)) is not None]
        counts["attachments"] = len(files)
        counts["emails"] = len(emails)
        uow.audit.append(actor, "erased", "child", child_id, json.dumps(counts, sort_keys=True))
        uow.commit()
    for path in files:
        path.unlink(missing_ok=True)
    folders = (settings.processed_folder, settings.quarantine_folder)
    for key in emails:
        for folder in folders:
            for sub in ("cur", "new"):
                for path in (settings.maildir_path / f".{folder}" / sub).glob(f"{key}*"):
                    if path.name.split(":", 1)[0] == key:
                        path.unlink(missing_ok=True)
    return counts


def load_attachment(uow_factory: Callable[[], UnitOfWork], store: AttachmentStore,
                    submission_id: int, actor: str) -> StoredAttachment:
    """The original attachment of a submission, for a person to open; audited as ``viewed``.

    NotFound when there is no such submission or its attachment is no longer held (purged by
    retention, or a rejected file, which is never kept).
    """
    with uow_factory() as uow:
        submission = uow.submissions.get(submission_id)
        if submission is None:
            raise NotFound(f"no submission {submission_id}")
        data = store.get(submission_id, submission.sha256)
        if data is None:
            raise NotFound(f"the attachment of submission {submission_id} is not held")
        uow.audit.append(actor, "viewed", "attachment", submission_id)
        uow.commit()
        return StoredAttachment(submission_id, uow.submissions.file_name(submission), submission.sha256, data)
