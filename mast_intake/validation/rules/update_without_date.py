"""UPDATE_WITHOUT_DATE: an update added to a tool without the date it was made."""

from __future__ import annotations

import re

from mast_intake.language.dates import find_dates
from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import ITEM_ROW, Rule
from mast_intake.validation.text import excerpt

# A statement the worker marked as an update in ordinary font: "Update: ...", "Updated - ...".
_MARKED = re.compile(r"^\s*(?:update[ds]?|new)\s*[:\-\u2013]", re.IGNORECASE)


def _undated(text: str) -> bool:
    return not find_dates(text)


class UpdateWithoutDate(Rule):
    """An update added to the tool (in red font, or marked "Update") has no date.

    When you update a tool you completed recently, MAST needs to know when each new piece of
    information was added, to tell what is current from what is historical. Please put the date
    of the update at its start.

    **Anti-pattern** (in red font)

        Has now been seen getting into a car with older males.

    **Good practice** (in red font)

        Update 14/10/2026: has now been seen getting into a car with older males (source: PCSO).
    """

    code = "UPDATE_WITHOUT_DATE"
    position = 200
    severity = Severity.SHOULD_FIX
    guide = (
        "If you are updating a tool that you have recently completed then you can add the "
        "updates in red font with dates of the update."
    )
    scope = "item or whole tool"
    anchor = ITEM_ROW
    prompts = frozenset()
    short_fix = "Put the date at the start of this update."

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        findings = []
        for key, item in record.items.items():
            red = [u.text for u in item.updates if u.date is None and u.text and _undated(u.text)]
            marked = [e.text for e in item.entries if _MARKED.match(e.text) and _undated(e.text)]
            if red or marked:
                findings.append(self._undated(key, (red + marked)[0]))
        lines = [line for line in record.summary.splitlines() if _MARKED.match(line) and _undated(line)]
        if lines:
            findings.append(self._undated(None, lines[0]))
        return findings

    def _undated(self, key: str | None, text: str) -> Finding:
        return self.finding(
            key,
            "This update has no date. Please add the date you added it, for example "
            "\u201cUpdate 14/10/2026: \u2026\u201d, so MAST can tell what is current.",
            excerpt(text),
        )
