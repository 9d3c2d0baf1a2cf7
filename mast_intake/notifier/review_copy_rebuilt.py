"""A Word rendering of a parsed record, for a PDF: the form laid out with its own labels."""

from __future__ import annotations

from datetime import date

from docx.shared import Pt, RGBColor

from mast_intake.models.assessment import Assessment, ItemEntry
from mast_intake.models.form import FORM_TITLE, SECTIONS
from mast_intake.parsers.word_form import RED, FormDocument, Run

REBUILT_TITLE = "REBUILT COPY FOR MAST REVIEW \u2013 this is not the file you sent"

_GREY = RGBColor(0x59, 0x59, 0x59)


def rebuilt_form(record: Assessment, author: str) -> bytes:
    """The form laid out from the record with its own labels (so it reads back the same)."""
    doc = FormDocument("Rebuilt copy for MAST review", author=author)
    heading = doc.paragraph().add_run(REBUILT_TITLE)
    heading.bold, heading.font.size = True, Pt(14)
    note = doc.paragraph().add_run(
        "You sent this tool as a PDF, which cannot hold Word comments. MAST Intake has rebuilt the "
        "form below from what it read in your PDF so that each point from the pre-check can be shown "
        "as a comment where it applies. The layout is not yours and this copy does not replace your "
        "tool: please make any changes in your own copy and send that again."
    )
    note.italic, note.font.color.rgb = True, _GREY
    doc.paragraph().add_run(f"Rebuilt from: {record.file_name}").font.color.rgb = _GREY
    doc.paragraph(FORM_TITLE, bold=True)
    doc.date_version(record.date_version)
    doc.details(record.child.fields)
    doc.paragraph()
    answers = {key: (_score(item), _answer(item)) for key, item in record.items.items()}
    for section in SECTIONS:
        doc.section(section, answers, score_column=True)
        doc.paragraph()
    doc.score(record.stated_total_text or ("" if record.stated_total is None else str(record.stated_total)),
              record.stated_category_text or (record.stated_category or "").capitalize())
    doc.paragraph()
    doc.summary(record.summary.split("\n") if record.summary else [])
    return doc.to_bytes()


def _score(item: ItemEntry) -> str:
    """The score as the Score column shows it: blank for an item with nothing written."""
    if item.found and (item.score or item.entries or item.rationale or item.updates):
        return str(item.score)
    return ""


def _answer(item: ItemEntry) -> list[list[Run]]:
    """The statements as scored ("1 - ..."), then the red-font dated updates."""
    paragraphs: list[list[Run]] = []
    if not item.entries and item.rationale:  # a record stored before entries were kept
        paragraphs.extend([Run(line)] for line in item.rationale.split("\n"))
    else:
        for entry in item.entries:
            lines = entry.text.split("\n") if entry.text else [""]
            marker = "" if entry.score is None else f"{entry.score} - "
            paragraphs.append([Run(marker + lines[0])])
            paragraphs.extend([Run(line)] for line in lines[1:])
    for update in item.updates:
        when = f"Update {update.date:%d/%m/%Y}: " if isinstance(update.date, date) else ""
        paragraphs.extend([Run(f"{when}{line}" if n == 0 else line, RED)]
                          for n, line in enumerate(update.text.split("\n")))
    return paragraphs
