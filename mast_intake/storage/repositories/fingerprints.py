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

    def children_sharing(self, digests: Sequence[str], not_child_id: int) -> list[tuple[str, int]]:
        """(digest, child id) for each of ``digests`` stored for another child's tool, once each.

        Read from the index alone, and bounded by children, not tools: a child whose every
        review carries a passage forward adds one row here, not one per review.
        """
        table = table_of(TextFingerprint)
        found: list[tuple[str, int]] = []
        for chunk in _chunks(digests):
            pairs = sa.select(table.c.digest, table.c.child_id).distinct().where(
                table.c.digest.in_(chunk), table.c.child_id != not_child_id)
            # all() fetches the rows at once; iterating the result fetches them one by one.
            found.extend((digest, int(child_id)) for digest, child_id in self.session.execute(pairs).all())
        return found

    def tools_sharing(self, digests: Sequence[str], not_child_id: int) -> set[int]:
        """The ids of other children's tools that hold any of ``digests``."""
        table = table_of(TextFingerprint)
        found: set[int] = set()
        for chunk in _chunks(digests):
            tools = sa.select(table.c.submission_id).distinct().where(
                table.c.digest.in_(chunk), table.c.child_id != not_child_id)
            found.update(int(tool) for tool in self.session.execute(tools).scalars())
        return found


def _chunks(digests: Sequence[str]) -> list[list[str]]:
    """The distinct ``digests`` in lists of at most CHUNK, for one IN clause each."""
    unique = sorted(set(digests))
    return [unique[start:start + CHUNK] for start in range(0, len(unique), CHUNK)]
