"""Retention: removing what has been kept long enough, and saying so in the audit log.

Rules (``[retention]`` settings; a period of 0 days switches that rule off):

- **Original attachments** (``attachment_days``, 90 by default): counted from the MAST decision
  (the latest, corrections included); for a tool replaced before a meeting, from its
  replacement; for a tool never queued, from its arrival. Tools still waiting for or on a
  meeting are kept. Only the file goes: the structured record stays.
- **Emails** (``mail_days``, 90 by default), by age: the files in the embedded Maildir's
  Processed and Quarantine folders and in the outbox Maildir (the embedded stand-ins for the
  mail server, holding mail as sent: plain text), and sent or failed rows of the outbox table.
  The inbox itself and unsent emails are never touched. With EWS or Graph, the mail server's
  own retention policies apply to the mailbox.
- **Structured records** (``record_days``, off by default; set it from the council's retention
  schedule): a child's whole case (names, submissions, agenda entries, decisions, attachments)
  once the child has had no activity (tool received, decision, record change) for that long and
  nothing is waiting for a meeting; likewise a submission linked to no child.

Every removal appends an audit line with ids, counts and the rule, never the data. Database
removals and their audit lines commit together; files are deleted after that commit, so a crash
leaves a file to be removed (and audited) again next night rather than an unaudited removal.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from mast_intake.config.settings import Settings
from mast_intake.ports import UnitOfWork
from mast_intake.protection.attachments import AttachmentStore

log = logging.getLogger(__name__)

RETENTION_ACTOR = "mast-intake retention"


@dataclass
class PurgeReport:
    """What a purge removed (or, in a dry run, would remove): ids and counts only."""

    dry_run: bool
    attachments: list[int] = field(default_factory=list)
    children: list[int] = field(default_factory=list)
    unlinked_submissions: list[int] = field(default_factory=list)
    outbox_rows: int = 0
    mail_files: dict[str, int] = field(default_factory=dict)
    orphan_files: int = 0

    def to_dict(self) -> dict:
        """A JSON-ready form."""
        return asdict(self)


def _due(anchor: datetime | None, days: int, now: datetime) -> bool:
    return days > 0 and anchor is not None and anchor + timedelta(days=days) <= now


def attachment_anchor(state: str | None, entry_updated: datetime | None, decided_at: datetime | None,
                      received_at: datetime) -> datetime | None:
    """When an attachment's retention period starts, or None while its case is still open."""
    if decided_at is not None:
        return decided_at
    if state is None:
        return received_at  # never queued: nothing for MAST to decide
    if state == "replaced":
        return entry_updated
    return None


def mail_folders(settings: Settings) -> dict[str, Path]:
    """The embedded Maildir folders whose files are purged by age (never the inbox)."""
    inbox = settings.maildir_path
    folders = {}
    for label, folder in (("processed", settings.processed_folder),
                          ("quarantine", settings.quarantine_folder)):
        for sub in ("cur", "new"):
            folders[f"{label}/{sub}"] = inbox / f".{folder}" / sub
    for sub in ("new", "cur"):
        folders[f"outbox/{sub}"] = settings.outbox_path / sub
    return folders


def _old_files(folder: Path, cutoff: float) -> list[Path]:
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir() if p.is_file() and p.stat().st_mtime < cutoff]


def purge(uow_factory: Callable[[], UnitOfWork], settings: Settings, store: AttachmentStore,
          now: datetime, dry_run: bool = False, actor: str = RETENTION_ACTOR) -> PurgeReport:
    """Apply the retention rules as of ``now``; with ``dry_run``, only report what is due."""
    rules = settings.retention
    report = PurgeReport(dry_run=dry_run)
    to_delete_files: list[Path] = []
    with uow_factory() as uow:
        repo = uow.protection
        if rules.attachment_days > 0:
            for sid, sha, received, state, updated, decided in repo.attachment_anchors():
                anchor = attachment_anchor(state, updated, decided, received)
                held = store.held_path(sid, sha)
                if held is not None and _due(anchor, rules.attachment_days, now):
                    report.attachments.append(sid)
                    to_delete_files.append(held)
                    if not dry_run:
                        uow.audit.append(actor, "purged", "attachment", sid, json.dumps(
                            {"rule": "attachment_days", "days": rules.attachment_days}))
        if rules.record_days > 0:
            open_children = repo.open_child_ids()
            for child_id, last in sorted(repo.child_last_activity().items()):
                if child_id in open_children or not _due(last, rules.record_days, now):
                    continue
                report.children.append(child_id)
                files = (store.held_path(sid, sha) for sid, sha, _ in repo.submissions_of_child(child_id))
                to_delete_files.extend(path for path in files if path is not None)
                if not dry_run:
                    counts = repo.erase_child(child_id)
                    uow.audit.append(actor, "purged", "child", child_id, json.dumps(
                        {"rule": "record_days", "days": rules.record_days, **counts}, sort_keys=True))
            sha_of = dict(repo.stored_attachment_keys())
            for sid, last in sorted(repo.unlinked_last_activity().items()):
                if not _due(last, rules.record_days, now):
                    continue
                report.unlinked_submissions.append(sid)
                # Rejected files are never stored, but an unlinked parsed tool's file is.
                held_file = store.held_path(sid, sha_of[sid]) if sid in sha_of else None
                if held_file is not None:
                    to_delete_files.append(held_file)
                if not dry_run:
                    counts = repo.erase_submissions([sid])
                    uow.audit.append(actor, "purged", "submission", sid, json.dumps(
                        {"rule": "record_days", "days": rules.record_days, **counts}, sort_keys=True))
        mail_files: dict[str, list[Path]] = {}
        if rules.mail_days > 0:
            cutoff = now - timedelta(days=rules.mail_days)
            ids = repo.delete_sent_outbox_before(cutoff, dry_run=dry_run)
            report.outbox_rows = len(ids)
            if ids and not dry_run:
                uow.audit.append(actor, "purged", "outbox", f"{min(ids)}-{max(ids)}", json.dumps(
                    {"rule": "mail_days", "days": rules.mail_days, "rows": len(ids)}))
            for label, folder in mail_folders(settings).items():
                old = _old_files(folder, cutoff.timestamp())
                if old:
                    mail_files[label] = old
                    report.mail_files[label] = len(old)
                    if not dry_run:
                        uow.audit.append(actor, "purged", "maildir", label, json.dumps(
                            {"rule": "mail_days", "days": rules.mail_days, "files": len(old)}))
        committed = repo.stored_attachment_keys()
        if dry_run:
            return report
        uow.commit()
    for path in [*to_delete_files, *(p for paths in mail_files.values() for p in paths)]:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:  # audited already; the next run tries again
            log.warning("retention could not delete a file", extra={"error": type(exc).__name__})
    report.orphan_files = store.remove_orphans(committed)
    if report.orphan_files:
        with uow_factory() as uow:
            uow.audit.append(actor, "purged", "attachment", "orphans",
                             json.dumps({"files": report.orphan_files}))
            uow.commit()
    log.info("retention purge finished", extra={
        "attachments": len(report.attachments), "children": len(report.children),
        "unlinked_submissions": len(report.unlinked_submissions), "outbox_rows": report.outbox_rows,
        "mail_files": report.mail_files, "orphan_files": report.orphan_files,
    })
    return report
