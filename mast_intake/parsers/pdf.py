"""Read a risk tool from a text PDF saved from Word, with pdfplumber.

Each page becomes its tables (ruled cells, as Word draws them) and the lines of text outside
them, in reading order. A table row that Word broke across a page is joined back together
before the form is read, and red text is kept apart as the worker's dated updates.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from mast_intake.models.assessment import Assessment
from mast_intake.parsers.extract import extract
from mast_intake.parsers.labels import label_strength
from mast_intake.parsers.layout import Block, Cell, Para, Segment, Table, plain_cell
from mast_intake.parsers.rejections import ParseRejected

_MARGIN = 0.06  # headers, footers and page numbers sit in the top and bottom 6% of a page
_LABEL = 0.6


def _is_red(color: object) -> bool:
    if not isinstance(color, tuple | list):
        return False
    values = [float(v) for v in color if isinstance(v, int | float)]
    if len(values) == 3:
        red, green, blue = values
        return red >= 0.6 and green <= 0.4 and blue <= 0.4
    if len(values) == 4:  # CMYK
        cyan, magenta, yellow, black = values
        return cyan <= 0.2 and magenta >= 0.6 and yellow >= 0.6 and black <= 0.4
    return False


def _lines_of(chars: list[dict]) -> list[Para]:
    """Chars grouped into lines, each line split into red and plain segments."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(lines[-1][-1]["top"] - char["top"]) < 2:
            lines[-1].append(char)
        else:
            lines.append([char])
    paras = []
    for line in lines:
        segments: list[Segment] = []
        previous = None
        for char in line:
            text = char["text"]
            if previous is not None and char["x0"] - previous["x1"] > char.get("size", 10) * 0.2:
                text = " " + text
            red = _is_red(char.get("non_stroking_color"))
            if segments and segments[-1].red == red:
                segments[-1].text += text
            else:
                segments.append(Segment(text, red))
            previous = char
        paras.append(Para(segments))
    return paras


def _table_rows(table, page_chars: list[dict], has_red: bool) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for texts, row in zip(table.extract(), table.rows, strict=False):
        cells: list[Cell] = []
        for column, (text, bbox) in enumerate(zip(texts, row.cells, strict=False)):
            if text is None or bbox is None:
                # pdfplumber leaves a spanned position empty: the cell to the left spans it, or
                # the cell above was merged down over it.
                if cells:
                    cells.append(cells[-1])
                elif rows and column < len(rows[-1]):
                    cells.append(rows[-1][column])
                continue
            if has_red:
                x0, top, x1, bottom = bbox
                inside = [
                    c for c in page_chars
                    if x0 <= c["x0"] and c["x1"] <= x1 and top <= c["top"] and c["bottom"] <= bottom
                ]
                if any(_is_red(c.get("non_stroking_color")) for c in inside):
                    cells.append(Cell(_lines_of(inside)))
                    continue
            cells.append(plain_cell(text))
        rows.append(cells)
    return rows


def _page_blocks(page) -> list[Block]:
    chars = page.chars
    has_red = any(_is_red(c.get("non_stroking_color")) for c in chars)
    placed: list[tuple[float, Block]] = []
    outside = page
    for table in page.find_tables():
        placed.append((table.bbox[1], Table(_table_rows(table, chars, has_red))))
        outside = outside.outside_bbox(table.bbox)
    low, high = page.height * _MARGIN, page.height * (1 - _MARGIN)
    previous_bottom, current = None, None
    for line in outside.extract_text_lines():
        if line["top"] < low or line["bottom"] > high or not line["text"].strip():
            continue
        segments = _lines_of(line["chars"])[0].segments if has_red else [Segment(line["text"])]
        para = Para(segments)
        gap = line["top"] - previous_bottom if previous_bottom is not None else None
        if current is not None and gap is not None and gap < (line["bottom"] - line["top"]) * 0.6:
            # A wrapped line of the same paragraph.
            current.segments.extend([Segment(" "), *para.segments])
        else:
            current = para
            placed.append((line["top"], current))
        previous_bottom = line["bottom"]
    placed.sort(key=lambda pair: pair[0])
    return [block for _, block in placed]


def _is_label(cell: Cell) -> bool:
    return label_strength(cell.text) >= _LABEL


def _join_rows(upper: list[Cell], lower: list[Cell]) -> None:
    for column, cell in enumerate(lower):
        if column < len(upper) and cell is not upper[column]:
            upper[column].paras.extend(cell.paras)


def _join_pages(pages: Iterable[list[Block]]) -> list[Block]:
    """Join tables that Word split across a page break, and rows split with them."""
    joined: list[Block] = []
    for page in pages:
        for index, block in enumerate(page):
            previous = joined[-1] if joined else None
            if (
                index == 0
                and isinstance(block, Table)
                and isinstance(previous, Table)
                and block.rows
                and previous.rows
            ):
                first, last = block.rows[0], previous.rows[-1]
                label_cut = not first[0].text or not _is_label(last[0]) or not _is_label(first[0])
                if len(first) == len(last) and label_cut:
                    _join_rows(last, first)
                    previous.rows.extend(block.rows[1:])
                else:
                    previous.rows.extend(block.rows)
                continue
            joined.append(block)
    return joined


def parse_pdf(data: bytes, file_name: str, sha256: str, max_pages: int = 60) -> Assessment:
    """Read a PDF risk tool into a record; raises ParseRejected when it cannot."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages: list[list[Block]] = []
            any_text = False
            for number, page in enumerate(pdf.pages):
                if number >= max_pages:
                    raise ParseRejected("limits_exceeded", "too many pages")
                any_text = any_text or bool(page.chars)
                pages.append(_page_blocks(page))
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else None
        if isinstance(cause, PDFPasswordIncorrect):
            raise ParseRejected("encrypted", "PDFPasswordIncorrect") from exc
        raise ParseRejected("corrupt", type(cause).__name__) from exc
    if not pages:
        raise ParseRejected("corrupt", "no pages")
    if not any_text:
        raise ParseRejected("scanned", "no text layer")
    return extract(_join_pages(pages), file_name, sha256, "pdf", wrapped=True)
