"""The store of keyed text fingerprints: what earlier tools said, kept as hashes only.

A fingerprint row ties one keyed hash (``validation.history.fingerprints``) to the submission and
child it came from. Rows go with their submission or child (ON DELETE CASCADE), so retention and
erasure need no change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlmodel import col

from mast_intake.models.rows import Submission, TextFingerprint
from mast_intake.models.stored import FingerprintMatch
from mast_intake.storage.repositories.base import SqlRepository, insert_for, rows_changed, table_of

# Well under every database's limit on bound parameters in one statement.
CHUNK = 500


class SqlFingerprintRepository(SqlRepository):
    """Keyed fingerprints of parsed tools, by submission and child."""

    def add(self, submission_id: int, child_id: int, digests: Iterable[str]) -> int:
        """Store a tool's fingerprints (again is harmless); how many were given."""
        rows = [{"submission_id": submission_id, "child_id": child_id, "digest": digest}
                for digest in sorted(set(digests))]
        if rows:
            # One statement with the rows as parameters (executemany): it is compiled once and
            # cached, where a many-row VALUES clause is compiled anew for every tool.
            statement = insert_for(self.session, table_of(TextFingerprint)).on_conflict_do_nothing(
                index_elements=["submission_id", "digest"])
            self.session.execute(statement, rows)
        return len(rows)

    def fingerprinted_tools(self) -> list[Submission]:
        """The submissions that have fingerprints."""
        ids = sa.select(table_of(TextFingerprint).c.submission_id).distinct()
        return list(self.session.execute(sa.select(Submission).where(col(Submission.id).in_(ids))).scalars())

    def clear(self) -> int:
        """Remove every fingerprint (before they are made again under a new key); how many."""
        return rows_changed(self.session.execute(sa.delete(table_of(TextFingerprint))))

    def matching(self, digests: Sequence[str], not_child_id: int, tools_below: int) -> list[FingerprintMatch]:
        """Every stored fingerprint among ``digests`` that belongs to another child's tool.

        Each (digest, child) comes once; the tools holding a digest are read only when fewer
        than ``tools_below`` other children share it (a passage that many share is stock
        phrasing, whose rows would grow with every tool stored), else ``submission_id`` is None.
        """
        table = table_of(TextFingerprint)
        others = table.c.child_id != not_child_id
        children: dict[str, set[int]] = {}
        unique = sorted(set(digests))
        for start in range(0, len(unique), CHUNK):
            pairs = sa.select(table.c.digest, table.c.child_id).distinct().where(
                table.c.digest.in_(unique[start:start + CHUNK]), others)
            # all() fetches the rows at once; iterating the result fetches them one by one.
            for digest, child_id in self.session.execute(pairs).all():
                children.setdefault(digest, set()).add(int(child_id))
        found = [FingerprintMatch(digest, child_id, None)
                 for digest, ids in children.items() if len(ids) >= tools_below for child_id in ids]
        few = sorted(digest for digest, ids in children.items() if len(ids) < tools_below)
        for start in range(0, len(few), CHUNK):
            rows = sa.select(table.c.digest, table.c.child_id, table.c.submission_id).where(
                table.c.digest.in_(few[start:start + CHUNK]), others)
            found.extend(FingerprintMatch(d, int(c), int(s)) for d, c, s in self.session.execute(rows).all())
        return found
