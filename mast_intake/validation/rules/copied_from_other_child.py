"""COPIED_FROM_OTHER_CHILD: a passage pasted from a tool about a different child."""

from __future__ import annotations

from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.models.form import is_current_only
from mast_intake.validation.history import SHINGLE_WORDS, History, keyed_hash, passages, word_spans, words
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import ITEM_ROW, Rule
from mast_intake.validation.text import excerpt

# Sixteen words running in common is a pasted passage; shorter shared runs are shared phrasing (a
# form's wording, a common sentence, the same place and people), however many a passage has.
MIN_RUN_WORDS = 16
# Wording found in this many other children's tools is the team's stock phrasing, not a paste.
STOCK_PHRASING_CHILDREN = 3
EXCERPT_WORDS = 8


def copied_spans(text: str, history: History) -> list[tuple[int, int]]:
    """Character spans of ``text`` whose words also run through another child's tool."""
    spans, tokens = word_spans(text), words(text)
    covered = [False] * len(tokens)
    for i in range(len(tokens) - SHINGLE_WORDS + 1):
        digest = keyed_hash(history.fingerprint_key, " ".join(tokens[i:i + SHINGLE_WORDS]))
        children = history.other_children.get(digest)
        if children and len(children) < STOCK_PHRASING_CHILDREN:
            covered[i:i + SHINGLE_WORDS] = [True] * SHINGLE_WORDS
    runs: list[tuple[int, int]] = []
    start = None
    for index, hit in enumerate([*covered, False]):
        if hit and start is None:
            start = index
        elif not hit and start is not None:
            runs.append((start, index))
            start = None
    if not any(end - begin >= MIN_RUN_WORDS for begin, end in runs):
        return []
    return [(spans[begin][0], spans[end - 1][1]) for begin, end in runs]


class CopiedFromOtherChild(Rule):
    """A passage closely matches a passage of a tool about a different child.

    Each tool must be written about this child alone. A rationale or summary pasted from another
    child's tool puts that child's details in this child's record and in every email it causes:
    that is a data breach as well as a poor assessment. Please remove the pasted passage and
    write what you know about this child, in your own words. The MAST administrator is told that
    a match was found (references only, no words from either tool). The first section (the
    family's history) is not compared: brothers and sisters share it.

    **Anti-pattern**

        Summary (pasted from another child's tool and only the name changed): I am worried that
        Amy is being groomed by older males she meets at the bus station on Friday nights; her
        mother has found cigarettes and a second phone.

    **Good practice**

        Summary: I am worried about Amy because she has gone missing three times since September
        and was found each time near the taxi rank with older males (source: police).
    """

    code = "COPIED_FROM_OTHER_CHILD"
    position = 170
    severity = Severity.MUST_FIX
    guide = "Avoid copying and pasting from other assessments/case summaries."
    scope = "item or whole tool"
    anchor = ITEM_ROW
    prompts = frozenset()
    short_fix = "Take out the words from another child's tool. Write about this child only."

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        history = options.history
        if history is None or not history.fingerprint_key or not history.other_children:
            return []
        findings: dict[str | None, Finding] = {}
        for key, text in passages(record):
            if key in findings or (key is not None and not is_current_only(key)):
                continue
            spans = copied_spans(text, history)
            if not spans:
                continue
            start, end = spans[0]
            # Only the first words: enough to find the passage, without repeating the other
            # child's details in another email.
            opening = " ".join(text[start:end].split()[:EXCERPT_WORDS])
            findings[key] = self.finding(
                key,
                "This passage closely matches a tool about a different child. Please remove it and "
                "write about this child only: another child's details must not be in this record.",
                excerpt(opening) + "\u2026",
            )
        return list(findings.values())
