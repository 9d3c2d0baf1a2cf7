"""Read a risk tool from a text PDF saved from Word, with pdfplumber.

Each page becomes its tables (ruled cells, as Word draws them) and the lines of text outside
them, in reading order. A table row that Word broke across a page is joined back together
before the form is read, and red text is kept apart as the worker's dated updates.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from mast_intake.models.assessment import Assessment
from mast_intake.parsers.extract import extract
from mast_intake.parsers.labels import label_strength
from mast_intake.parsers.layout import Block, Cell, Para, Segment, Table, distinct_cells, plain_cell
from mast_intake.parsers.rejections import ParseRejected

# Word's prompt in an empty form field is printed into the PDF; it is not an answer.
_PLACEHOLDER = re.compile(
    r"^\s*(?:click or tap|click|tap) (?:here )?to enter (?:text|a date)\.?\s*$|^\s*choose an item\.?\s*$",
    re.IGNORECASE,
)
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
        previous: dict | None = None
        for char in line:
            text = char["text"]
            gap = char["x0"] - previous["x1"] if previous is not None else 0
            if (previous is not None and gap > char.get("size", 10) * 0.2 and text != " "
                    and previous["text"] != " "):
                text = " " + text
            red = _is_red(char.get("non_stroking_color"))
            if segments and segments[-1].red == red:
                segments[-1].text += text
            else:
                segments.append(Segment(text, red))
            previous = char
        paras.append(Para(segments))
    return paras


def _table_rows(table: pdfplumber.table.Table, page_chars: list[dict], has_red: bool) -> list[list[Cell]]:
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
                # A glyph's box pokes out of its cell by a fraction of a point: use its centre.
                inside = [
                    c for c in page_chars
                    if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom
                ]
                if any(_is_red(c.get("non_stroking_color")) for c in inside):
                    cells.append(Cell(_lines_of(inside)))
                    continue
            if _PLACEHOLDER.match(" ".join(text.split())):
                text = ""
            lines = [line for line in text.split("\n") if not _PLACEHOLDER.match(line)]
            cells.append(plain_cell("\n".join(lines)))
        rows.append(cells)
    return rows


def _clipped(bbox: tuple, page_bbox: tuple) -> tuple | None:
    """``bbox`` cut to the page, or None when nothing of it is on the page."""
    x0, top = max(bbox[0], page_bbox[0]), max(bbox[1], page_bbox[1])
    x1, bottom = min(bbox[2], page_bbox[2]), min(bbox[3], page_bbox[3])
    return (x0, top, x1, bottom) if x0 < x1 and top < bottom else None


def _page_blocks(page: pdfplumber.page.Page) -> list[Block]:
    chars = page.chars
    has_red = any(_is_red(c.get("non_stroking_color")) for c in chars)
    placed: list[tuple[float, Block]] = []
    outside = page
    for table in page.find_tables():
        placed.append((table.bbox[1], Table(_table_rows(table, chars, has_red))))
        inside_page = _clipped(table.bbox, page.bbox)
        if inside_page is not None:
            # A table drawn past the page edge: only the part on the page can hold text.
            outside = outside.outside_bbox(inside_page)
    low, high = page.height * _MARGIN, page.height * (1 - _MARGIN)
    previous_bottom: float | None = None
    current: Para | None = None
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


def _continues(upper: list[Cell], lower: list[Cell]) -> bool:
    """True when the first row on a page is the rest of the last row on the page before."""
    above, below = upper[0].text, lower[0].text
    if not below:
        return True
    if not above:
        return False
    # A label cut by the page break reads better joined than either half alone.
    joined = label_strength(f"{above} {below}")
    return joined >= _LABEL and joined > max(label_strength(above), label_strength(below))


def _join_rows(table: Table, lower_table: Table) -> None:
    """Append ``lower_table`` to ``table``, joining its first row to the last when it continues."""
    upper, lower = distinct_cells(table.rows[-1]), distinct_cells(lower_table.rows[0])
    if len(upper) != len(lower) or not _continues(upper, lower):
        table.rows.extend(lower_table.rows)
        return
    for above, below in zip(upper, lower, strict=True):
        above.paras.extend(below.paras)
    # Cells merged down from the joined row must now point at the cells they continue.
    moved = {id(below): above for above, below in zip(upper, lower, strict=True)}
    for row in lower_table.rows[1:]:
        table.rows.append([moved.get(id(cell), cell) for cell in row])


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
                _join_rows(previous, block)
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
