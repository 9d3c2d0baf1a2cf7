"""Data protection: retention, erasure and key rotation, in SQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from mast_intake.domain.agenda import REPLACEABLE_STATES
from mast_intake.domain.names import normalise_name
from mast_intake.models.rows import (
    AgendaDeferral,
    AgendaEntry,
    Child,
    ChildAlias,
    Decision,
    Outbox,
    Submission,
)
from mast_intake.ports.sealing import Sealer
from mast_intake.storage.repositories.base import SqlRepository, rows_changed, table_of
from mast_intake.storage.repositories.decisions import SEALED_DECISION_COLUMNS


def compact_sqlite(engine: sa.Engine) -> None:
    """On SQLite, rebuild the file and empty the WAL, so no superseded page keeps old values."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        # The connection is in autocommit mode (see storage.engine), as VACUUM requires.
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()


class SqlDataProtectionRepository(SqlRepository):
    """The ``ports.DataProtectionRepository``, on SQL."""

    def attachment_anchors(self) -> list[tuple[int, str, datetime, str | None, datetime | None, datetime]]:
        """Per parsed submission: (id, sha256, received_at, entry state, entry updated_at, decided_at).

        ``decided_at`` is the latest decision's (corrections included), None if undecided.
        """
        latest = (
            select(Decision.submission_id, sa.func.max(Decision.decided_at).label("decided_at"))
            .group_by(col(Decision.submission_id))
            .subquery()
        )
        statement = (
            # SQLAlchemy's own select: SQLModel's is typed for at most four columns.
            sa.select(
                col(Submission.id), col(Submission.sha256), col(Submission.received_at),
                col(AgendaEntry.state), col(AgendaEntry.updated_at), latest.c.decided_at,
            )
            .outerjoin(AgendaEntry, col(AgendaEntry.submission_id) == col(Submission.id))
            .outerjoin(latest, latest.c.submission_id == col(Submission.id))
            .where(col(Submission.status) == "parsed")
            .order_by(col(Submission.id))
        )
        return [tuple(row) for row in self.session.execute(statement)]

    def stored_attachment_keys(self) -> set[tuple[int, str]]:
        """(id, sha256) of every submission row: the attachment files that are not orphans."""
        return {(int(i), s) for i, s in self.session.execute(select(Submission.id, Submission.sha256))}

    def open_child_ids(self) -> set[int]:
        """Children with a tool still waiting for, or on, a meeting: never purged."""
        rows = self.session.execute(
            select(AgendaEntry.child_id).where(
                col(AgendaEntry.state).in_(REPLACEABLE_STATES), col(AgendaEntry.child_id).is_not(None)
            )
        )
        return {int(child_id) for (child_id,) in rows}

    def child_last_activity(self) -> dict[int, datetime]:
        """Each child's latest activity: a record changed, a tool received or a decision made."""
        statement = (
            select(
                Child.id, Child.updated_at,
                sa.func.max(Submission.received_at), sa.func.max(Decision.decided_at),
            )
            .outerjoin(Submission, col(Submission.child_id) == col(Child.id))
            .outerjoin(Decision, col(Decision.submission_id) == col(Submission.id))
            .group_by(col(Child.id), col(Child.updated_at))
        )
        return {
            int(child_id): max(t for t in times if t is not None)
            for child_id, *times in self.session.execute(statement)
        }

    def unlinked_last_activity(self) -> dict[int, datetime]:
        """Submissions not linked to a child (rejected, or no name/date of birth) that are not
        waiting for a meeting: id -> latest of arrival and decision."""
        open_entries = select(AgendaEntry.submission_id).where(
            col(AgendaEntry.state).in_(REPLACEABLE_STATES)
        )
        statement = (
            select(Submission.id, Submission.received_at, sa.func.max(Decision.decided_at))
            .outerjoin(Decision, col(Decision.submission_id) == col(Submission.id))
            .where(col(Submission.child_id).is_(None), col(Submission.id).not_in(open_entries))
            .group_by(col(Submission.id), col(Submission.received_at))
        )
        return {
            int(sid): max(t for t in (received, decided) if t is not None)
            for sid, received, decided in self.session.execute(statement)
        }

    def submissions_of_child(self, child_id: int) -> list[tuple[int, str, str]]:
        """(id, sha256, message_id) of every submission linked to the child."""
        rows = self.session.execute(
            select(Submission.id, Submission.sha256, Submission.message_id)
            .where(Submission.child_id == child_id)
            .order_by(col(Submission.id))
        )
        return [(int(i), s, m) for i, s, m in rows]

    def erase_submissions(self, submission_ids: Sequence[int]) -> dict[str, int]:
        """Delete these submissions with their agenda entries and decisions; counts by table.

        Rows outside the set that point into it (a later tool "replacing" one of these) lose
        only that pointer.
        """
        ids = list(submission_ids)
        if not ids:
            return {"submissions": 0, "agenda_entries": 0, "decisions": 0}
        entries = [
            int(e) for e in self.session.execute(
                select(AgendaEntry.id).where(col(AgendaEntry.submission_id).in_(ids))
            ).scalars()
        ]
        agenda_t, submission_t, decision_t = (table_of(AgendaEntry), table_of(Submission),
                                              table_of(Decision))
        if entries:
            self.session.execute(
                sa.update(agenda_t)
                .where(agenda_t.c.replaced_by_id.in_(entries), agenda_t.c.id.not_in(entries))
                .values(replaced_by_id=None)
            )
        self.session.execute(
            sa.update(submission_t)
            .where(submission_t.c.replaces_submission_id.in_(ids), submission_t.c.id.not_in(ids))
            .values(replaces_submission_id=None)
        )
        # One statement per table: a correction and the decision it corrects go together, and
        # both databases check the self-references at the end of the statement.
        decisions = rows_changed(self.session.execute(
            sa.delete(decision_t).where(
                sa.or_(decision_t.c.submission_id.in_(ids), decision_t.c.agenda_entry_id.in_(entries))
            )
        ))
        if entries:
            deferral_t = table_of(AgendaDeferral)
            self.session.execute(sa.delete(deferral_t).where(deferral_t.c.agenda_entry_id.in_(entries)))
        removed_entries = rows_changed(self.session.execute(
            sa.delete(agenda_t).where(agenda_t.c.id.in_(entries))
        )) if entries else 0
        submissions = rows_changed(self.session.execute(
            sa.delete(submission_t).where(submission_t.c.id.in_(ids))
        ))
        self.session.expire_all()
        return {"submissions": submissions, "agenda_entries": removed_entries, "decisions": decisions}

    def erase_child(self, child_id: int) -> dict[str, int]:
        """Delete the child, every name recorded for them and their whole case; counts by table."""
        ids = [sid for sid, _, _ in self.submissions_of_child(child_id)]
        counts = self.erase_submissions(ids)
        agenda_t = table_of(AgendaEntry)
        # An entry copied the child id from its submission; a leftover would block the delete.
        self.session.execute(sa.update(agenda_t).where(agenda_t.c.child_id == child_id).values(child_id=None))
        counts["names"] = rows_changed(self.session.execute(
            sa.delete(table_of(ChildAlias)).where(table_of(ChildAlias).c.child_id == child_id)
        ))
        counts["children"] = rows_changed(self.session.execute(
            sa.delete(table_of(Child)).where(table_of(Child).c.id == child_id)
        ))
        self.session.expire_all()
        return counts

    def delete_sent_outbox_before(self, cutoff: datetime, dry_run: bool = False) -> list[int]:
        """Ids of sent or failed outbox rows created before ``cutoff`` (deleted unless dry run).

        Pending rows are never removed: they have not been sent yet.
        """
        table = table_of(Outbox)
        condition = sa.and_(table.c.state.in_(("sent", "failed")), table.c.created_at < cutoff)
        ids = [int(i) for i in self.session.execute(sa.select(table.c.id).where(condition)).scalars()]
        if ids and not dry_run:
            self.session.execute(sa.delete(table).where(table.c.id.in_(ids)))
        return ids

    def sealed_samples(self, per_column: int = 2) -> list[str | bytes]:
        """A few stored values from every sealed column (oldest and newest rows), to test keys."""
        columns = [
            (table_of(Child), "display_name"), (table_of(ChildAlias), "alias"),
            (table_of(Submission), "file_name"), (table_of(Submission), "record_json"),
            *((table_of(Decision), name) for name in SEALED_DECISION_COLUMNS), (table_of(Outbox), "subject"),
            (table_of(Outbox), "mime"),
        ]
        samples: list[str | bytes] = []
        for table, name in columns:
            column = table.c[name]
            # An empty text value was never sealed (columns added by a later migration).
            written = () if isinstance(column.type, sa.LargeBinary) else (column != "",)
            for order in (table.c.id.asc(), table.c.id.desc()):
                samples.extend(self.session.execute(
                    sa.select(column).where(column.is_not(None), *written).order_by(order)
                    .limit(per_column // 2 or 1)
                ).scalars())
        return samples

    def rekey(self, old: Sealer, new: Sealer, check_only: bool = False) -> dict[str, int]:
        """Re-seal every sealed value with ``new``, reading it with ``old``; counts per column.

        Everything is decrypted first, so a value ``old`` cannot open raises before any row is
        written. Lookup keys (child names and aliases) are recomputed with ``new``. Decision
        rows cannot be updated (the database refuses it), so they are re-inserted with the same
        ids and contents in the same transaction: their meaning never changes, only the cipher.
        """
        counts: dict[str, int] = {}

        def reseal(value: Any) -> Any:
            if value is None or value == "":
                # Nothing was written (e.g. a decision field added by a later migration).
                return value
            if isinstance(value, bytes):
                return new.seal_bytes(old.unseal_bytes(value))
            return new.seal(old.unseal(value))

        def collect(table: sa.Table, columns: Sequence[str]) -> list[dict[str, Any]]:
            rows = [dict(r._mapping) for r in self.session.execute(sa.select(table).order_by(table.c.id))]
            for row in rows:
                for name in columns:
                    row[name] = reseal(row[name])
            counts[table.name] = len(rows)
            return rows

        child_t, alias_t = table_of(Child), table_of(ChildAlias)
        submission_t, decision_t, outbox_t = table_of(Submission), table_of(Decision), table_of(Outbox)
        children = collect(child_t, ["display_name"])
        aliases = [dict(r._mapping) for r in self.session.execute(sa.select(alias_t).order_by(alias_t.c.id))]
        old_to_new: dict[tuple[int, str], str] = {}
        keep: dict[tuple[int, str], int] = {}
        duplicates: list[int] = []
        for row in aliases:
            plain = old.unseal(row["alias"])
            new_key = new.lookup_key(normalise_name(plain))
            old_to_new[(row["child_id"], row["alias_key"])] = new_key
            if (row["child_id"], new_key) in keep:
                # The same name stored under an old and a new key during a rotation: keep one.
                duplicates.append(row["id"])
                continue
            keep[(row["child_id"], new_key)] = row["id"]
            row["alias_key"], row["alias"] = new_key, new.seal(plain)
        counts[alias_t.name] = len(aliases)
        for row in children:
            known = old_to_new.get((row["id"], row["name_key"]))
            # No alias row for the name the child was created under: derive it from the name.
            row["name_key"] = known if known is not None else new.lookup_key(
                normalise_name(new.unseal(row["display_name"])))
        submissions = collect(submission_t, ["file_name", "record_json", "findings_json"])
        decisions = collect(decision_t, list(SEALED_DECISION_COLUMNS))
        outbox = collect(outbox_t, ["subject", "mime"])
        if check_only:
            return counts
        plan: dict[str, list[tuple[Any, dict[str, Any]]]] = {
            "child": [(child_t.c.id, {k: r[k] for k in ("id", "name_key", "display_name")})
                      for r in children],
            "child_alias": [(alias_t.c.id, {k: r[k] for k in ("id", "alias_key", "alias")})
                            for r in aliases if r["id"] not in duplicates],
            "submission": [(submission_t.c.id, {k: r[k] for k in ("id", "file_name", "record_json",
                                                                  "findings_json")}) for r in submissions],
            "outbox": [(outbox_t.c.id, {k: r[k] for k in ("id", "subject", "mime")}) for r in outbox],
        }
        if duplicates:
            self.session.execute(sa.delete(alias_t).where(alias_t.c.id.in_(duplicates)))
        tables = {"child": child_t, "child_alias": alias_t, "submission": submission_t, "outbox": outbox_t}
        for name, updates in plan.items():
            table = tables[name]
            for id_column, values in updates:
                row_id = values.pop("id")
                self.session.execute(sa.update(table).where(id_column == row_id).values(**values))
        if decisions:
            self.session.execute(sa.delete(decision_t))
            self.session.execute(sa.insert(decision_t), decisions)
        self.session.expire_all()
        return counts

    def compactor(self) -> Callable[[], None]:
        """A call to make once the transaction has ended: compacts a SQLite file (see compact_sqlite)."""
        bind = self.session.get_bind()
        engine = bind if isinstance(bind, sa.Engine) else bind.engine
        return lambda: compact_sqlite(engine)
