"""The poll cycle's hook for the checks against earlier tools (``validation/history.py``).

Before a parsed tool is stored, :meth:`AcrossTools.check` loads the child's earlier tools and
the fingerprints of other children's tools that match this one, and adds the findings of the
checks that need them. After it is stored, :meth:`AcrossTools.remember` keeps its fingerprints
for later tools and, when a passage matched another child's tool, queues an alert to the
administrator that holds references only, never words from either tool.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from mast_intake.config.settings import Settings
from mast_intake.models.assessment import Assessment
from mast_intake.models.codec import record_from_storage
from mast_intake.models.finding import Finding
from mast_intake.models.rows import Child, Submission
from mast_intake.notifier.compose import Envelope, compose_alert
from mast_intake.notifier.views.alerts import AlertView
from mast_intake.ports import UnitOfWork
from mast_intake.validation import CheckOptions, run_checks
from mast_intake.validation.history import (
    History,
    PriorTool,
    fingerprints,
    keyed_hash,
    passages,
    shingles,
    words,
)
from mast_intake.validation.rules.copied_from_other_child import (
    STOCK_PHRASING_CHILDREN,
    CopiedFromOtherChild,
)
from mast_intake.validation.rules.stale_score_carried import StaleScoreCarried
from mast_intake.validation.rules.summary_not_updated import SummaryNotUpdated

# The checks compare with the latest tools; older ones add nothing but reading time.
PREVIOUS_TOOLS = 5
# The checks that say nothing without a history (the poll's own run of the checks has none).
NEEDS_HISTORY = frozenset({CopiedFromOtherChild.code, SummaryNotUpdated.code, StaleScoreCarried.code})


def _shingles(record: Assessment) -> set[str]:
    return {s for _, text in passages(record) for s in shingles(words(text))}


@dataclass
class AcrossTools:
    """Loads what the cross-tool checks compare with, and keeps each tool's fingerprints."""

    settings: Settings
    options: CheckOptions
    keys: tuple[bytes, ...]  # fingerprint keys, current first
    clock: Callable[[], datetime]

    def _digests(self, record: Assessment) -> dict[str, str]:
        """Each shingle of ``record`` under every key of the ring -> its current key's digest."""
        current_of: dict[str, str] = {}
        for shingle in _shingles(record):
            digest = keyed_hash(self.keys[0], shingle)
            current_of[digest] = digest
            for key in self.keys[1:]:
                current_of[keyed_hash(key, shingle)] = digest
        return current_of

    def history(self, uow: UnitOfWork, record: Assessment, child_id: int) -> History:
        """The child's latest earlier tools and the other children whose tools share a passage."""
        earlier = uow.submissions.for_child(child_id)[-PREVIOUS_TOOLS:]
        previous = tuple(
            PriorTool(s.id, record_from_storage(data))  # type: ignore[arg-type]
            for s in earlier if (data := uow.submissions.record(s)) is not None
        )
        # Fingerprints stored under an older key of the ring are read back as the current key's.
        current_of = self._digests(record)
        children: dict[str, set[int]] = {}
        for digest, other in uow.fingerprints.children_sharing(list(current_of), child_id):
            children.setdefault(current_of[digest], set()).add(other)
        return History(previous, self.keys[0], {d: frozenset(c) for d, c in children.items()})

    def check(self, uow: UnitOfWork, record: Assessment, child: Child | None,
              findings: list[Finding]) -> tuple[list[Finding], History | None]:
        """``findings`` with those of the checks against the child's earlier tools added, and
        the history they were checked against (None without a child), for :meth:`remember`."""
        if child is None or child.id is None:
            return findings, None
        history = self.history(uow, record, child.id)
        # Only the checks that need the history: the others already ran in the poll's own run.
        added = run_checks(record, self.options.with_history(history), only=NEEDS_HISTORY)
        # A stable sort: the run's own order stays, the added findings join their severity.
        return sorted([*findings, *added], key=lambda f: f.severity.rank), history

    def remember(self, uow: UnitOfWork, submission: Submission, record: Assessment,
                 findings: list[Finding], history: History | None = None) -> None:
        """Keep the stored tool's fingerprints; alert the administrator to a copied passage.

        ``history`` is what :meth:`check` read for this tool in this transaction (the tool's own
        fingerprints, added here, belong to its child and so cannot change the matches); without
        it, it is read again.
        """
        if submission.child_id is None or submission.id is None:
            return
        uow.fingerprints.add(submission.id, submission.child_id, fingerprints(record, self.keys[0]))
        if not any(f.code == CopiedFromOtherChild.code for f in findings):
            return
        if history is None:
            history = self.history(uow, record, submission.child_id)
        # The tools are read only now, for the alert: stock phrasing names none of them.
        copied = {digest for digest, children in history.other_children.items()
                  if len(children) < STOCK_PHRASING_CHILDREN}
        digests = [stored for stored, current in self._digests(record).items() if current in copied]
        others = sorted(uow.fingerprints.tools_sharing(digests, submission.child_id))
        view = AlertView(kind="copied_text", occurred_at=self.clock(),
                         ids=(f"MAST-{submission.id}", *(f"MAST-{t}" for t in others)),
                         reasons=((CopiedFromOtherChild.code, 1),))
        message = compose_alert(view, Envelope(
            sender=f"MAST Intake <{self.settings.mast_address}>", to=(self.settings.admin_address,),
        ))
        uow.outbox.add(str(message["Message-ID"]), "alert", [self.settings.admin_address],
                       str(message["Subject"]), bytes(message))
