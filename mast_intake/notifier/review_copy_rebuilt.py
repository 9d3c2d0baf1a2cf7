"""A Word rendering of a parsed record, for a PDF: the form laid out with its own labels."""

from __future__ import annotations

import io
from datetime import date

import docx
from docx.shared import Pt, RGBColor, Twips
from docx.table import Table as DocxTable
from docx.table import _Cell

from mast_intake.models.assessment import Assessment, ItemEntry
from mast_intake.models.form import DETAILS, FORM_TITLE, ITEMS, SECTIONS

REBUILT_TITLE = "REBUILT COPY FOR MAST REVIEW \u2013 this is not the file you sent"

_RED = RGBColor(0xFF, 0x00, 0x00)
_GREY = RGBColor(0x59, 0x59, 0x59)


def rebuilt_form(record: Assessment, author: str) -> bytes:
    """The form laid out from the record with its own labels (so it reads back the same)."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    document.core_properties.title = "Rebuilt copy for MAST review"
    document.core_properties.author = author
    heading = document.add_paragraph().add_run(REBUILT_TITLE)
    heading.bold, heading.font.size = True, Pt(14)
    note = document.add_paragraph().add_run(
        "You sent this tool as a PDF, which cannot hold Word comments. MAST Intake has rebuilt the "
        "form below from what it read in your PDF so that each point from the pre-check can be shown "
        "as a comment where it applies. The layout is not yours and this copy does not replace your "
        "tool: please make any changes in your own copy and send that again."
    )
    note.italic, note.font.color.rgb = True, _GREY
    document.add_paragraph().add_run(f"Rebuilt from: {record.file_name}").font.color.rgb = _GREY
    document.add_paragraph().add_run(FORM_TITLE).bold = True
    document.add_paragraph(f"Date/Version: {record.date_version}")

    details = _grid(document, len(DETAILS), 2)
    for row, (key, spec) in zip(details.rows, DETAILS.items(), strict=True):
        row.cells[0].text = spec.label
        _lines(row.cells[1], record.child.fields.get(key, ""))
    document.add_paragraph()
    for section in SECTIONS.values():
        keys = [key for key, spec in ITEMS.items() if spec.section == section.key]
        table = _grid(document, len(keys) + 1, 3)
        header = table.rows[0].cells
        for cell, text in zip(header, (section.heading, "Score", "Rationale and source of information"),
                              strict=True):
            cell.paragraphs[0].add_run(text).bold = True
        for row, key in zip(table.rows[1:], keys, strict=True):
            item = record.items.get(key)
            row.cells[0].text = ITEMS[key].label
            if item is None:
                continue
            if item.found and (item.score or item.entries or item.rationale or item.updates):
                row.cells[1].text = str(item.score)
            _answer(row.cells[2], item)
        document.add_paragraph()
    score = _grid(document, 2, 2)
    score.cell(0, 0).text = "Risk Assessment score"
    score.cell(0, 1).text = record.stated_total_text or (
        "" if record.stated_total is None else str(record.stated_total))
    score.cell(1, 0).text = "Risk Category"
    score.cell(1, 1).text = record.stated_category_text or (record.stated_category or "").capitalize()
    document.add_paragraph()
    document.add_paragraph().add_run(
        "Additional professional comments and any additional information not scored").bold = True
    summary = _grid(document, 1, 1)
    _lines(summary.cell(0, 0), record.summary)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_WIDTHS = {1: (9026,), 2: (3800, 5226), 3: (3400, 900, 4726)}  # twips across an A4 page


def _grid(document: docx.document.Document, rows: int, cols: int) -> DocxTable:
    """A bordered table with the form's proportions: a wide label, a narrow Score column."""
    table = document.add_table(rows=rows, cols=cols)
    table.style = document.styles["Table Grid"]
    table.autofit = False
    for column, twips in zip(table.columns, _WIDTHS[cols], strict=True):
        column.width = Twips(twips)
        for cell in column.cells:
            cell.width = Twips(twips)
    return table


def _lines(cell: _Cell, text: str) -> None:
    lines = text.split("\n") if text else [""]
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def _answer(cell: _Cell, item: ItemEntry) -> None:
    """The statements as scored ("1 - ..."), then the red-font dated updates."""
    paragraphs: list[tuple[str, bool]] = []
    if not item.entries and item.rationale:  # a record stored before entries were kept
        paragraphs.extend((line, False) for line in item.rationale.split("\n"))
    else:
        for entry in item.entries:
            lines = entry.text.split("\n") if entry.text else [""]
            marker = "" if entry.score is None else f"{entry.score} - "
            paragraphs.append((marker + lines[0], False))
            paragraphs.extend((line, False) for line in lines[1:])
    for update in item.updates:
        when = f"Update {update.date:%d/%m/%Y}: " if isinstance(update.date, date) else ""
        paragraphs.extend((f"{when}{line}" if n == 0 else line, True)
                          for n, line in enumerate(update.text.split("\n")))
    first = True
    for text, red in paragraphs:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        run = paragraph.add_run(text)
        if red:
            run.font.color.rgb = _RED
