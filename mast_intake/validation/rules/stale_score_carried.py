"""STALE_SCORE_CARRIED: a point carried over unchanged from an earlier tool, now out of date."""

from __future__ import annotations

from mast_intake.language.evidence import event_dates, says_ongoing
from mast_intake.models.assessment import Assessment, ItemEntry
from mast_intake.models.finding import Finding, Severity
from mast_intake.models.form import is_current_only
from mast_intake.validation.history import words
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import ITEM_ROW, Rule
from mast_intake.validation.rules.historical_scored import month_before
from mast_intake.validation.text import excerpt, scored_entries


def _statements(item: ItemEntry) -> set[tuple[str, ...]]:
    return {tuple(words(entry.text)) for entry in item.entries if entry.text} | (
        {tuple(words(item.rationale))} if item.rationale else set()
    )


class StaleScoreCarried(Rule):
    """A point is carried over unchanged from the previous tool, and is now more than a month old.

    The items after the first section score only what is present on the date of the assessment
    or within a month of it. When a statement is copied unchanged from a tool completed more
    than a month ago, with no newer dated information, MAST cannot tell that it still applies.
    Please add the date of the latest evidence (an update in red font with its date), or, if it
    has stopped, keep it as historical and score 0.

    **Anti-pattern** (the previous tool was completed three months ago with the same words)

        Staying out late: 1- Comes home after midnight most weekends (source: mother).

    **Good practice**

        Staying out late: 1- Comes home after midnight most weekends (source: mother).
        Update 10/10/2026: came home at 02:00 on 3 and 4 October (source: mother).
    """

    code = "STALE_SCORE_CARRIED"
    position = 180
    severity = Severity.MUST_FIX
    guide = "Score 1 if present on date of assessment or within a month of the last assessment"
    anchor = ITEM_ROW
    prompts = frozenset()
    short_fix = "Add the date you last saw this, or score it 0 if it has stopped."

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        history = options.history
        previous = history.latest_before(record.assessment_date) if history else None
        assessed = record.assessment_date
        if previous is None or assessed is None or previous.assessment_date is None:
            return []
        cutoff = month_before(assessed)
        if previous.assessment_date >= cutoff:
            return []
        births = (record.child.dob,) if record.child.dob else ()
        findings = []
        for key, item in record.items.items():
            before = previous.record.items.get(key)
            entries = scored_entries(item)
            if not entries or not is_current_only(key) or before is None or before.score <= 0:
                continue
            if not {tuple(words(e.text)) for e in entries} <= _statements(before):
                continue  # new words: the worker wrote something since
            old_updates = {u.text for u in before.updates}
            if any(u.text not in old_updates and (u.date is None or u.date >= cutoff) for u in item.updates):
                continue  # a new update: newer evidence (or UPDATE_WITHOUT_DATE asks for its date)
            texts = [e.text for e in entries]
            dates = [m.latest for t in texts for m in event_dates(t, assessed, births)]
            if dates and (max(dates) >= cutoff or not any(says_ongoing(t) for t in texts)):
                continue  # recent evidence, or old dates HISTORICAL_SCORED already reports
            findings.append(self.finding(
                key,
                f"This point is carried over unchanged from the tool of "
                f"{previous.assessment_date:%d/%m/%Y}, more than a month before this assessment, "
                "with no newer dated information. Please add the date of the latest evidence, or "
                "keep it as historical and score 0.",
                excerpt(texts[0]),
            ))
        return findings
