"""Write the risk tool as a Word document: the form's own labels, in the layouts the reader reads.

The one Word form writer: the demonstration tools (``web.demo``), the rebuilt copy of a PDF
submission (``notifier.review_copy_rebuilt``) and the tests' factory of realistic tools
(``tests.fixtures.factory``, which adds its own variations on top: content controls, tracked
changes, merged cells, reworded labels...) all build their documents from these pieces, so what
is written is what ``parsers.word`` reads back.

A :class:`FormDocument` wraps a python-docx document. Text goes in as paragraphs of
:class:`Run` values (a run may be red: a worker's dated update); cells are filled with plain
``w:r`` elements, the way Word writes them, replacing whatever the cell held (through
:meth:`FormDocument.fill`, which the factory overrides to write its variations).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from mast_intake.models.form import DETAILS, ITEMS, SECTIONS

RED = "FF0000"
TITLE = "Vulnerable Missing Exploited & Trafficked (VEMT):"
SUBTITLE = "Information Gathering and Risk Assessment Tool"
BAND_LINES = (
    "Low risk of sexual exploitation (at risk of being exploited) (score 0-10)",
    "Medium risk of sexual exploitation (at risk of being exploited) (score 11-19)",
    "High risk of sexual exploitation (being exploited) (score 20+)",
)
SUMMARY_HEADING = "Additional professional comments and any additional information not scored"
SCORE_HEADER = "Score"
RATIONALE_HEADER = "Rationale and source of information"
TOTAL_LABEL = "Risk Assessment score"
CATEGORY_LABEL = "Risk Category"

_PAGE_WIDTH = 9026  # twips across an A4 page with 1" margins
# A wide label column and, in a three-column section, a narrow Score column.
_COLUMNS = {2: (3800, _PAGE_WIDTH - 3800), 3: (3400, 900, _PAGE_WIDTH - 4300)}
_EMU_PER_TWIP = 635

ScoreLayout = Literal["row", "rows", "paragraphs"]


@dataclass(frozen=True)
class Run:
    """A piece of text written in one run; ``color`` is a hex colour ("FF0000": an update)."""

    text: str
    color: str | None = None


Lines = Sequence[Sequence[Run]]  # paragraphs, each a sequence of runs


def w_element(tag: str, **attrs: str) -> etree._Element:
    """A WordprocessingML element (``"w:r"``) with ``w:``-prefixed attributes."""
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


def text_element(tag: str, text: str) -> etree._Element:
    """A ``w:t``-like element holding ``text``, its edge spaces preserved."""
    element = w_element(tag)
    element.text = text
    if text != text.strip():
        element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return element


def run_element(run: Run, style: str | None = None, text_tag: str = "w:t") -> etree._Element:
    """A ``w:r`` for ``run``, with its character style and colour when it has them."""
    r = w_element("w:r")
    if run.color or style:
        rpr = w_element("w:rPr")
        if style:
            rpr.append(w_element("w:rStyle", val=style))
        if run.color:
            rpr.append(w_element("w:color", val=run.color))
        r.append(rpr)
    r.append(text_element(text_tag, run.text))
    return r


def paragraph_element(runs: Sequence[Run]) -> etree._Element:
    """A ``w:p`` holding ``runs``."""
    p = w_element("w:p")
    for run in runs:
        p.append(run_element(run))
    return p


def plain_lines(text: str) -> list[list[Run]]:
    """One paragraph per line of ``text`` (none for empty text)."""
    return [[Run(line)] for line in text.split("\n")] if text else []


def clear_cell(cell: _Cell) -> etree._Element:
    """Remove the cell's paragraphs; returns its ``w:tc`` to append new content to."""
    tc = cell._tc
    for p in tc.findall(qn("w:p")):
        tc.remove(p)
    return tc


class FormDocument:
    """A Word document being written as the risk tool, block by block in reading order."""

    def __init__(self, title: str, author: str | None = None) -> None:
        self.document = docx.Document()
        normal = self.document.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(10)
        if author is not None:
            self.document.core_properties.author = author
        self.document.core_properties.title = title

    def fill(self, cell: _Cell, lines: Lines) -> None:
        """Replace the cell's content with ``lines`` (an empty paragraph when there are none).

        Every cell the document writes goes through here: a subclass may write the runs
        differently (split, inside content controls), the layout stays the same.
        """
        tc = clear_cell(cell)
        for element in [paragraph_element(runs) for runs in lines] or [w_element("w:p")]:
            tc.append(element)

    def set(self, cell: _Cell, text: str, bold: bool = False) -> None:
        """Replace the cell's content with the lines of ``text``, in bold when asked."""
        self.fill(cell, plain_lines(text))
        if bold:
            runs: list[etree._Element] = list(cell._tc.iter(qn("w:r")))
            for r in runs:
                rpr: etree._Element | None = r.find(qn("w:rPr"))
                if rpr is None:
                    rpr = w_element("w:rPr")
                    r.insert(0, rpr)
                rpr.insert(0, w_element("w:b"))

    def paragraph(self, text: str = "", bold: bool = False, style: str | None = None) -> Paragraph:
        """A paragraph of ``text`` (one run, bold when asked)."""
        if not bold:
            return self.document.add_paragraph(text, style=style)
        paragraph = self.document.add_paragraph(style=style)
        paragraph.add_run(text).bold = True
        return paragraph

    def table(self, rows: int, cols: int, equal: bool = False) -> Table:
        """A "Table Grid" table with fixed column widths (a narrow Score column when there is one)."""
        table = self.document.add_table(rows=rows, cols=cols)
        table.style = self.document.styles["Table Grid"]
        table.autofit = False
        widths = _COLUMNS.get(cols) if not equal else None
        for index, column in enumerate(table.columns):
            twips = widths[index] if widths else _PAGE_WIDTH // cols
            column.width = twips * _EMU_PER_TWIP
            for cell in column.cells:
                cell.width = twips * _EMU_PER_TWIP
        return table

    def title(self, *lines: str) -> None:
        """The form's title in bold, its subtitle, then any further lines (an introduction)."""
        self.paragraph(TITLE, bold=True)
        self.paragraph(SUBTITLE)
        for line in lines:
            self.paragraph(line)

    def date_version(self, text: str) -> Paragraph:
        """The "Date/Version:" line."""
        paragraph = self.document.add_paragraph()
        paragraph.add_run(f"Date/Version: {text}")
        return paragraph

    def details(self, values: Mapping[str, str]) -> Table:
        """The child's details, a label and its value a row, in the form's order."""
        table = self.table(len(DETAILS), 2)
        for row, (key, spec) in zip(table.rows, DETAILS.items(), strict=True):
            self.set(row.cells[0], spec.label)
            self.set(row.cells[1], values.get(key, ""))
        return table

    def section(self, section: str, answers: Mapping[str, tuple[str, Lines]], score_column: bool) -> Table:
        """One section's items under a bold header row: label | answer, or label | score | answer.

        ``answers`` maps an item key to the score as written (its own column; ignored without
        one) and the answer's paragraphs; an item left out gets empty cells.
        """
        keys = [key for key, spec in ITEMS.items() if spec.section == section]
        cols = 3 if score_column else 2
        table = self.table(len(keys) + 1, cols)
        heading = SECTIONS[section]
        texts = (heading.heading, SCORE_HEADER, RATIONALE_HEADER) if score_column else (
            heading.heading, heading.instruction)
        for cell, text in zip(table.rows[0].cells, texts, strict=True):
            self.set(cell, text, bold=True)
        for row, key in zip(table.rows[1:], keys, strict=True):
            self.set(row.cells[0], ITEMS[key].label)
            score, lines = answers.get(key, ("", []))
            if score_column:
                self.set(row.cells[1], score)
            self.fill(row.cells[-1], lines)
        return table

    def score(self, total: str, category: str, layout: ScoreLayout = "rows", equal: bool = False) -> None:
        """The stated total and category: one four-cell row, two rows, or two paragraphs."""
        if layout == "paragraphs":
            self.paragraph(f"{TOTAL_LABEL}: {total}")
            self.paragraph(f"{CATEGORY_LABEL}: {category}")
            return
        if layout == "row":
            cells = self.table(1, 4).rows[0].cells
            for cell, text in zip(cells, [TOTAL_LABEL, total, CATEGORY_LABEL, category], strict=True):
                self.set(cell, text)
            return
        table = self.table(2, 2, equal=equal)
        self.set(table.cell(0, 0), TOTAL_LABEL)
        self.set(table.cell(0, 1), total)
        self.set(table.cell(1, 0), CATEGORY_LABEL)
        self.set(table.cell(1, 1), category)

    def bands(self, style: str | None = None) -> None:
        """The three risk bands' lines."""
        for line in BAND_LINES:
            self.paragraph(line, style=style)

    def summary(self, lines: Sequence[str], hint: str = "", in_table: bool = True) -> None:
        """The summary's bold heading, an optional hint, then its lines in a box or as paragraphs."""
        self.paragraph(SUMMARY_HEADING, bold=True)
        if hint:
            self.paragraph(hint)
        if in_table:
            self.fill(self.table(1, 1).cell(0, 0), [[Run(line)] for line in lines])
            return
        for line in lines:
            self.paragraph(line)

    def to_bytes(self) -> bytes:
        """The .docx package."""
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()
