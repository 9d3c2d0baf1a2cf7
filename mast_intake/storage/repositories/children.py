"""Children: found by normalised name and date of birth (or an alias), created once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import col, select

from mast_intake.domain.names import normalise_name
from mast_intake.models.rows import Child, ChildAlias
from mast_intake.ports.sealing import lookup_keys
from mast_intake.storage.repositories.base import SqlRepository, insert_for, table_of


class SqlChildRepository(SqlRepository):
    """The ``ports.ChildRepository``, on SQL."""

    def _key(self, name: str) -> str:
        normalised = normalise_name(name)
        if not normalised:
            raise ValueError("a child's name must contain letters or digits")
        return self.sealer.lookup_key(normalised)

    def find(self, name: str, dob: date, aliases: Iterable[str] = ()) -> Child | None:
        """The child born on ``dob`` known by ``name`` or any of ``aliases``; the oldest if several."""
        # Every key in the ring, not just the current one: a key rotation may still be pending.
        keys = {key for n in [name, *aliases] if normalise_name(n)
                for key in lookup_keys(self.sealer, normalise_name(n))}
        by_name = select(Child.id).where(Child.dob == dob, col(Child.name_key).in_(keys))
        by_alias = (
            select(ChildAlias.child_id)
            .join(Child, col(Child.id) == col(ChildAlias.child_id))
            .where(Child.dob == dob, col(ChildAlias.alias_key).in_(keys))
        )
        ids = {i for i in (*self.session.exec(by_name), *self.session.exec(by_alias)) if i is not None}
        return self.session.get(Child, min(ids)) if ids else None

    def find_or_create_child(self, name: str, dob: date, aliases: Iterable[str] = ()) -> Child:
        """The matching child, created if new; every name and alias seen is remembered.

        Two processes creating the same child at once end with one row: the insert is
        ON CONFLICT DO NOTHING on (name_key, dob). ``display_name`` becomes ``name``, the
        latest spelling the workers used; every spelling is kept (see :meth:`names`).
        """
        aliases = list(aliases)
        child = self.find(name, dob, aliases)
        now = self.clock()
        if child is None:
            key = self._key(name)
            self.session.execute(
                insert_for(self.session, table_of(Child))
                .values(
                    name_key=key,
                    dob=dob,
                    display_name=self.sealer.seal(name.strip()),
                    created_at=now,
                    updated_at=now,
                )
                .on_conflict_do_nothing(index_elements=["name_key", "dob"])
            )
            child = self.session.exec(
                select(Child)
                .where(Child.name_key == key, Child.dob == dob)
                .execution_options(populate_existing=True)
            ).one()
        else:
            child.display_name = self.sealer.seal(name.strip())
            child.updated_at = now
        for other in [name, *aliases]:
            if not normalise_name(other):
                continue
            key = self._key(other)
            self.session.execute(
                insert_for(self.session, table_of(ChildAlias))
                .values(
                    child_id=child.id, alias_key=key, alias=self.sealer.seal(other.strip()), created_at=now
                )
                .on_conflict_do_nothing(index_elements=["child_id", "alias_key"])
            )
        self.session.flush()
        return child

    def search(self, name: str = "", dob: date | None = None, limit: int = 100) -> list[Child]:
        """Children whose name or any recorded alias contains ``name`` (normalised), born on ``dob``.

        Either filter may be left out. Names are sealed at rest, so a part-name search unseals
        every alias and compares in Python: fine for one council's MAST caseload (thousands).
        """
        wanted = normalise_name(name)
        statement = select(Child)
        if dob is not None:
            statement = statement.where(Child.dob == dob)
        children = list(self.session.exec(statement.order_by(col(Child.id))))
        if not wanted:
            return children[:limit]
        ids = {c.id for c in children}
        matched: set[int] = set()
        for alias in self.session.exec(select(ChildAlias).where(col(ChildAlias.child_id).in_(ids))):
            if wanted in normalise_name(self.sealer.unseal(alias.alias)):
                matched.add(alias.child_id)
        for child in children:
            if wanted in normalise_name(self.sealer.unseal(child.display_name)):
                matched.add(child.id)  # type: ignore[arg-type]
        return [c for c in children if c.id in matched][:limit]

    def get(self, child_id: int) -> Child | None:
        """The child with this id, or None."""
        return self.session.get(Child, child_id)

    def display_name(self, child: Child) -> str:
        """The child's name as most recently written."""
        return self.sealer.unseal(child.display_name)

    def names(self, child_id: int) -> list[str]:
        """Every name the child has been recorded under, as written, in the order first seen."""
        rows = self.session.exec(
            select(ChildAlias).where(ChildAlias.child_id == child_id).order_by(col(ChildAlias.id))
        )
        return [self.sealer.unseal(row.alias) for row in rows]
