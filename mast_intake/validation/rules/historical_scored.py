"""HISTORICAL_SCORED: a point given for something that is no longer current."""

from __future__ import annotations

import calendar
from datetime import date

from mast_intake.language.dates import DateMention
from mast_intake.language.evidence import (
    ages_mentioned,
    ended_clauses,
    event_dates,
    says_ended,
    says_ongoing,
)
from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.models.form import is_current_only
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import ITEM_ROW, Rule
from mast_intake.validation.text import excerpt, scored_entries


def month_before(day: date) -> date:
    """The same day one calendar month earlier (the last day of a shorter month)."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _in_ended_clause(text: str, mention: DateMention) -> bool:
    """A date in "none so far this year" or "nothing since 3 May" says when it stopped, not
    that it is still happening."""
    return any(start <= mention.start and mention.end <= end for start, end in ended_clauses(text))


class HistoricalScored(Rule):
    """A point is scored for something that happened more than a month before the assessment.

    Apart from the first Vulnerabilities section, whose vulnerabilities stay in place even when
    they are historical, the items score only what is present on the date of the assessment or
    within the month before it. Older events still matter: please keep them in the item with
    their date, marked as historical, and score 0. A historical entry scored 0 is correct. Dates
    of birth written next to names are not read as the date of an event.

    Every date form counts, read against the assessment date: 15.03.26, 5-5-26, 20/03, w/c 4/5,
    "Dec 2025/Jan 2026", "in July", "last October", "last summer", "over Christmas", "a
    fortnight ago", "when she was 12". An item is found when its latest dated evidence is more
    than a month old and nothing says it is still happening ("still", "ongoing", "every
    weekend", "since March"), or when it says the concern has ended ("no missing episodes
    since", "now living with dad and it is going well", "historical") without a recent date.

    **Anti-pattern** (assessment dated 10 June 2026)

        Periods of going missing overnight: 1- Amy went missing on 2 February 2025 and was
        found in a flat in the town centre (source: police).

    **Good practice**

        Periods of going missing overnight: 0- Historical, not scored: Amy went missing on
        2 February 2025 and was found in a flat in the town centre (source: police). No missing
        episodes since.
    """

    code = "HISTORICAL_SCORED"
    position = 30
    severity = Severity.MUST_FIX
    guide = (
        "If you think something is relevant but is historical please add this to the section "
        "but do not score a point."
    )
    anchor = ITEM_ROW
    prompts = frozenset()
    short_fix = "This is more than a month old. Keep it in the box but do not score it."

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        if record.assessment_date is None:
            return []
        cutoff = month_before(record.assessment_date)
        dob = record.child.dob
        births = (dob,) if dob else ()
        findings = []
        for key, item in record.items.items():
            entries = scored_entries(item)
            if not entries or not is_current_only(key):
                continue
            texts = [e.text for e in entries] + [u.text for u in item.updates]
            if any(says_ongoing(t) for t in texts):
                continue
            mentions = [
                (t, m) for t in texts
                for m in (*event_dates(t, record.assessment_date, births), *ages_mentioned(t, dob))
                if not _in_ended_clause(t, m)
            ]
            days = [m.latest for _, m in mentions] + [u.date for u in item.updates if u.date]
            if days and max(days) >= cutoff:
                continue
            if mentions:
                text, mention = max(mentions, key=lambda pair: pair[1].latest)
                findings.append(self._dated(key, record.assessment_date, text, mention))
            elif said := next((t for t in texts if says_ended(t)), None):
                match = says_ended(said)
                assert match is not None  # said was picked because it says so
                findings.append(self.finding(
                    key,
                    "This item is scored 1 but the statement says it is historical or has ended. "
                    "Please score 0 for historical information, or add the most recent date if it "
                    "is still happening.",
                    excerpt(said, match.start(), match.end()),
                ))
        return findings

    def _dated(self, key: str, assessed: date, text: str, mention: DateMention) -> Finding:
        return self.finding(
            key,
            f"This item is scored 1, but the latest date given ({mention.text.strip()}) is more "
            f"than a month before the assessment date ({assessed:%d/%m/%Y}). Please keep it as "
            "historical information and score 0, unless it is still happening: then please say "
            "so and give the most recent date.",
            excerpt(text, mention.start, mention.end),
        )
