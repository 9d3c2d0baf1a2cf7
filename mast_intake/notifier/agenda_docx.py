"""The MAST CSE meeting agenda as a Word document that prints well.

Layout: A4 portrait, 2 cm margins, black text. A heading with the meeting's date and time, an
"at a glance" table (its header row repeats on each page), then one heading per band and one
section per case: a heading line and a small two-column table. Page breaks: a case heading is
kept with its table, table rows never split across pages, and a short case table is kept on one
page. Meaning never rests on colour: bands, "MUST FIX", "DIFFERS" and prompts are written out.
Every page carries "OFFICIAL-SENSITIVE" at the top and bottom and "Page X of Y" in the footer.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from mast_intake.notifier.views.agenda import AgendaCaseView, AgendaView
from mast_intake.notifier.views.dates import DISPLAY_TZ, uk_date, uk_datetime

MARKING = "OFFICIAL-SENSITIVE"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_KEEP_TOGETHER_ROWS = 12
_LABEL_WIDTH = Mm(45)
_VALUE_WIDTH = Mm(125)
_GLANCE_WIDTHS = (10, 30, 42, 12, 20, 22, 34)


def agenda_filename(view: AgendaView) -> str:
    """The attachment's file name, e.g. "MAST-CSE-agenda-2026-05-05-0930.docx" (no child data)."""
    return f"MAST-CSE-agenda-{_local(view.meeting_at):%Y-%m-%d-%H%M}.docx"


def _local(moment: datetime) -> datetime:
    """A moment in UK local time (naive values are taken as local already)."""
    return moment if moment.tzinfo is None else moment.astimezone(DISPLAY_TZ)


def _add_field(paragraph: Paragraph, instruction: str) -> None:
    """Append a Word field (PAGE, NUMPAGES) that Word fills in when it lays out the page."""
    parts = [("fldChar", "begin"), ("instrText", instruction), ("fldChar", "separate"),
             ("t", "1"), ("fldChar", "end")]
    for tag, value in parts:
        run = paragraph.add_run()
        element = OxmlElement(f"w:{tag}")
        if tag == "fldChar":
            element.set(qn("w:fldCharType"), value)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = f" {value} " if tag == "instrText" else value
        # types-lxml lets an element take only children of its own class; OOXML takes any.
        run._r.append(element)  # type: ignore[arg-type]


def _setup_page(document: DocumentObject) -> None:
    """A4 portrait with 2 cm margins, black Arial text, marking in header and footer."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    section.header_distance = section.footer_distance = Mm(10)

    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(2)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        style = document.styles[name]
        style.font.name = "Arial"
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.keep_with_next = True

    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.add_run(MARKING).bold = True

    footer = section.footer
    marking = footer.paragraphs[0]
    marking.alignment = WD_ALIGN_PARAGRAPH.CENTER
    marking.add_run(MARKING).bold = True
    pages = footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pages.add_run("Page ")
    _add_field(pages, "PAGE")
    pages.add_run(" of ")
    _add_field(pages, "NUMPAGES")


def _row_cannot_split(row: _Row, *, header: bool = False) -> None:
    """Stop a table row breaking across pages; a header row repeats on each page."""
    tr_pr = row._tr.get_or_add_trPr()
    # types-lxml lets an element take only children of its own class; OOXML takes any.
    tr_pr.append(OxmlElement("w:cantSplit"))  # type: ignore[arg-type]
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))  # type: ignore[arg-type]


def _set_cell(cell: _Cell, lines: list[str] | str, *, bold: bool = False) -> None:
    """Write one or more lines into a table cell, one paragraph each."""
    if isinstance(lines, str):
        lines = [lines]
    first = cell.paragraphs[0]
    for index, line in enumerate(lines or [""]):
        paragraph = first if index == 0 else cell.add_paragraph()
        paragraph.add_run(line).bold = bold


def _keep_table_together(table: Table) -> None:
    """Keep a short table on one page by chaining keep-with-next through its rows."""
    rows = table.rows
    if len(rows) > _KEEP_TOGETHER_ROWS:
        return
    for row in rows[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def _case_rows(case: AgendaCaseView) -> list[tuple[str, list[str]]]:
    """The label/value rows of one case's table."""
    score = case.score
    differs = " (DIFFERS FROM THE TOOL)" if score.differs else ""
    findings = [
        f"[{group.heading.upper()}] {f.code}: {f.summary} ({f.item_label})"
        for group in case.groups
        for f in group.findings
    ] or ["None"]
    rows = [
        ("Reference", [case.reference]),
        ("Child", [f"{case.child_name or 'no name given'}, age {case.age_text}"]),
        ("New or review", [case.kind]),
        ("Band to consider", [case.consider_band_label.upper()]),
        ("Worker", [case.worker_text]),
        ("Received", [uk_datetime(case.received_at)]),
        ("Score on tool", [f"{score.stated_total_text} ({score.stated_band_label})"]),
        ("Our count", [f"{score.computed_total} ({score.computed_band_label}){differs}"]),
        ("Trend", [case.trend.text if case.trend else "First tool for this child"]),
        ("Next review", [case.review_text or "not known"]),
        ("Findings", findings),
    ]
    if case.prompts:
        rows.append(("To consider", [f"\u2022 {prompt}" for prompt in case.prompts]))
    return rows


def _glance_table(document: DocumentObject, view: AgendaView) -> None:
    """One line per case, in agenda order, with a repeating header row."""
    headings = ["No.", "Reference", "Child", "Age", "Band", "New/review", "Notes"]
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, _GLANCE_WIDTHS, strict=True):
        column.width = Mm(width)
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        _set_cell(cell, text, bold=True)
    _row_cannot_split(table.rows[0], header=True)
    for number, case in enumerate(view.cases, start=1):
        notes = []
        if case.awaiting_correction:
            notes.append("Awaiting correction")
        if case.deferred_to is not None:
            notes.append(f"Deferred to {uk_date(case.deferred_to)}")
        elif case.deferred_from is not None:
            notes.append("Carried over")
        if case.closure_requested:
            notes.append("Closure asked")
        if case.consider_nrm:
            notes.append("Consider NRM")
        values = [
            str(number), case.reference, case.child_name or "no name given", case.age_text,
            case.consider_band_label.upper(), case.kind, "; ".join(notes),
        ]
        row = table.add_row()
        for cell, text, width in zip(row.cells, values, _GLANCE_WIDTHS, strict=True):
            cell.width = Mm(width)
            _set_cell(cell, text)
        _row_cannot_split(row)


def build_agenda_docx(view: AgendaView) -> bytes:
    """Render the agenda as .docx bytes."""
    document = Document()
    _setup_page(document)
    properties = document.core_properties
    properties.title = f"MAST CSE meeting agenda {_local(view.meeting_at):%Y-%m-%d %H:%M}"
    properties.author = properties.last_modified_by = "MAST Intake"
    properties.subject = MARKING
    properties.keywords = MARKING
    properties.comments = ""
    generated = view.generated_at
    if generated.tzinfo is not None:
        generated = generated.astimezone(UTC).replace(tzinfo=None)
    properties.created = properties.modified = generated
    properties.revision = 1

    document.add_heading("MAST CSE meeting agenda", level=1)
    when = document.add_paragraph()
    when.add_run(uk_datetime(view.meeting_at)).bold = True
    counts = view.counts
    document.add_paragraph(
        f"Tools received before {uk_datetime(view.cutoff_at)}. Cases: {counts['total']} "
        f"(high {counts['high']}, medium {counts['medium']}, low {counts['low']})."
    )
    document.add_paragraph(
        "Order: high, medium, low; new cases before reviews; then by time received. "
        "Band to consider: the higher of the band on the tool and our count; both are shown."
    )
    if not view.cases:
        document.add_paragraph("No risk tools are waiting for this meeting.")
    else:
        document.add_heading("At a glance", level=2)
        _glance_table(document, view)

    number = 0
    for label, cases in view.sections:
        document.add_heading(f"{label.upper()} ({len(cases)})", level=2)
        for case in cases:
            number += 1
            name = case.child_name or "no name given"
            title = f"{number}. {case.reference}: {name} \u2013 {case.kind}"
            if case.awaiting_correction:
                title += " \u2013 AWAITING CORRECTION"
            document.add_heading(title, level=3)
            rows = _case_rows(case)
            table = document.add_table(rows=len(rows), cols=2)
            table.style = "Table Grid"
            table.autofit = False
            table.columns[0].width, table.columns[1].width = _LABEL_WIDTH, _VALUE_WIDTH
            for row, (name, value) in zip(table.rows, rows, strict=True):
                row.cells[0].width, row.cells[1].width = _LABEL_WIDTH, _VALUE_WIDTH
                _set_cell(row.cells[0], name, bold=True)
                _set_cell(row.cells[1], value)
                _row_cannot_split(row)
            _keep_table_together(table)
            document.add_paragraph()

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
