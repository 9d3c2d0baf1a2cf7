"""The worker's own tool given back with each pre-check finding as a Word comment.

``annotate_docx`` takes the bytes of the .docx the worker sent and returns a copy that differs
only by Word comments (author "MAST Intake"), one per finding, anchored on the words the
finding quotes, else on the item's answer cell, else (for findings about the whole tool) on the
box the finding concerns. ``rebuild_docx`` does the same for a PDF, which cannot be annotated in
place, on a Word rendering of the parsed record clearly titled as a rebuilt copy.

The work is split by job:

- ``review_copy_places``: where each label, answer and value is, found by the reader's own walk
  (``parsers.word_walk``) and pass (``parsers.reading``), so an item's comment lands in the cell
  its score was read from;
- ``review_copy_anchors``: which of those places each finding's comment goes on;
- ``review_copy_marks``: the comment marks on the reader's runs, never inside deleted text, a
  regenerated content control or a field;
- ``review_copy_package``: the output package, every part but the changed ones byte for byte;
- ``review_copy_rebuilt``: the Word rendering of a PDF's record.

Nothing here logs: the documents hold special-category data about children.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding
from mast_intake.notifier.review_copy_anchors import anchor_finding
from mast_intake.notifier.review_copy_package import open_for_comments, repackage
from mast_intake.notifier.review_copy_places import locate
from mast_intake.notifier.review_copy_rebuilt import rebuilt_form
from mast_intake.notifier.views.findings import SEVERITY_HEADINGS

AUTHOR = "MAST Intake"
INITIALS = "MAST"
REVIEW_SUFFIX = " - MAST review.docx"


def review_file_name(original_name: str) -> str:
    """The annotated copy's attachment name: ``"<original name> - MAST review.docx"``.

    The extension is dropped (a PDF's review copy is a .docx too), as is any folder part or
    control character a mail client left in the name.
    """
    name = re.split(r"[\\/]", original_name or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    stem, dot, extension = name.rpartition(".")
    if dot and stem and 1 <= len(extension) <= 5 and extension.isalnum():
        name = stem
    name = name.strip(" .") or "Risk tool"
    return name[:150] + REVIEW_SUFFIX


def annotate_docx(original: bytes, findings: Sequence[Finding],
                  texts: Sequence[str] | None = None) -> bytes:
    """The worker's .docx with one Word comment per finding, every other part unchanged.

    ``original`` is never modified (it is bytes; the copy is built in memory). With no findings
    the original bytes are returned as they are. ``texts`` are the comments' texts when the
    caller has built them already (``comment_text`` of each finding, by default): a sandboxed
    child then needs no rule catalogue (which imports spaCy). Raises what python-docx raises
    for a file it cannot open; call it only for a file the Word reader has read.
    """
    if not findings:
        return original
    if texts is None:
        texts = [comment_text(finding) for finding in findings]
    if len(texts) != len(findings):
        raise ValueError("one comment text per finding")
    document = open_for_comments(original)
    places = locate(document.element.body)
    for finding, text in zip(findings, texts, strict=True):
        comment = document.comments.add_comment(text=text, author=AUTHOR, initials=INITIALS)
        anchor_finding(places, finding, comment.comment_id)
    return repackage(original, document)


def rebuild_docx(record: Assessment, findings: Sequence[Finding],
                 texts: Sequence[str] | None = None) -> bytes:
    """A Word copy of the form rebuilt from ``record``, with the findings as comments.

    For a PDF, which cannot hold Word comments. The copy is titled as rebuilt so nobody takes it
    for the worker's file; its labels are the form's own, so it reads back as the same record.
    """
    return annotate_docx(rebuilt_form(record, AUTHOR), findings, texts)


def comment_text(finding: Finding) -> str:
    """A comment's paragraphs: severity and summary, what was found, the guide, how to fix it."""
    # Imported here: the rule texts come from the catalogue, whose checks load spaCy, which the
    # builder itself (run in a sandboxed child) never needs.
    from mast_intake.notifier.advice import full_fix, guide_words, rule_summary

    heading = SEVERITY_HEADINGS.get(finding.severity, str(finding.severity))
    summary = rule_summary(finding.code)
    if not summary:
        return f"{heading}: {finding.message}"
    lines = [f"{heading}: {summary}", finding.message]
    guide = guide_words(finding.code)
    if guide:
        lines.append(f"The good practice guide says: \u201c{guide}\u201d")
    how = full_fix(finding.code)
    if how:
        lines.append(f"How to put it right: {how}")
    # A newline would start a new comment paragraph in the middle of a sentence.
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())
