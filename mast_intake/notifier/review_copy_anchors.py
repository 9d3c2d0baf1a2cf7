"""Which words of the tool each finding's comment goes on.

On the words the finding quotes, else on the item's answer cell, else (for findings about the
whole tool) on the box the finding concerns: the score, the category, the Date/Version line,
the age/date of birth or the summary.
"""

from __future__ import annotations

from docx.oxml import OxmlElement

from mast_intake.models.finding import Finding
from mast_intake.models.form import ITEMS
from mast_intake.notifier.review_copy_marks import (
    mark_excerpt,
    mark_point,
    mark_whole,
    normalised,
    runs_with_text,
)
from mast_intake.notifier.review_copy_places import Places
from mast_intake.parsers.entries import score_only
from mast_intake.parsers.word_walk import P

# Short quotes ("12", "Medium") are only looked for in their own box: elsewhere they would
# match the wrong words.
_MIN_FREE_SEARCH = 12


def finding_boxes(finding: Finding) -> tuple[str, ...]:
    """The boxes a finding not tied to one item or field is anchored in, in order (summary last).

    The boxes come from the finding's rule (``Rule.anchor``).
    """
    # Imported here, as in comment_text: the catalogue's checks load spaCy.
    from mast_intake.notifier.advice import anchor_boxes

    return (*anchor_boxes(finding.code), "summary")


def anchor_finding(places: Places, finding: Finding, comment_id: int) -> None:
    """Place one comment: on the quoted words, else the item's cell, else the tool's boxes."""
    key = finding.item
    if key is not None and places.has_item(key):
        paragraphs = places.item_paragraphs(key)
        if finding.excerpt and mark_excerpt(paragraphs, finding.excerpt, comment_id):
            return
        if _anchor_item(places, key, comment_id):
            return
    elif key is not None and places.box(key):
        if finding.excerpt and mark_excerpt(places.box(key), finding.excerpt, comment_id):
            return
        if mark_whole(places.box(key), comment_id):
            return
    boxes = [places.box(name) for name in finding_boxes(finding)]
    if finding.excerpt:
        searched = boxes
        if len(normalised(finding.excerpt)) >= _MIN_FREE_SEARCH:
            searched = searched + [places.item_paragraphs(k) for k in ITEMS]
        if any(mark_excerpt(paragraphs, finding.excerpt, comment_id) for paragraphs in searched):
            return
    for paragraphs in (*boxes, places.box("stated_total")):
        if mark_whole(paragraphs, comment_id):
            return
    first_text = next((p for p in places.body.iter(P) if runs_with_text(p)), None)
    if first_text is not None:
        mark_whole([first_text], comment_id)
        return
    first = next(places.body.iter(P), None)
    if first is None:  # an empty body: a paragraph of its own to hold the mark
        first = OxmlElement("w:p")
        places.body.insert(0, first)
    mark_point(first, comment_id)


def _anchor_item(places: Places, key: str, comment_id: int) -> bool:
    """The item's whole answer: its rationale cell first, then any answer cell, then its label."""
    answers = places.answers(key)
    label = places.item_label(key)
    written = [cell for cell in answers if cell.text and score_only(cell.text) is None]
    cells = written + [cell for cell in answers if cell not in written]
    for cell in cells:
        if mark_whole(places.cell(cell), comment_id):
            return True
    if mark_whole(label, comment_id):
        return True
    paragraphs = places.item_paragraphs(key) or label
    if paragraphs:
        mark_point(paragraphs[0], comment_id)
        return True
    return False
