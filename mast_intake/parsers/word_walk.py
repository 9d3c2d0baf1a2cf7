"""The body of a Word document as the reader reads it, with the XML behind every piece.

This is the one walk over a .docx body: the Word reader (``parsers.word``) reads the form from
its blocks, and the review copy (``notifier.review_copy``) anchors its comments on the
``w:p`` and ``w:r`` elements the same walk reports, so the two can never disagree about which
paragraph, cell or run holds what.

What the walk counts: text inside content controls, custom XML and inserted tracked changes.
What it never counts: deleted or moved-away text, placeholder text of empty content controls,
properties and field instructions. Vertically merged cells are one :class:`Cell` (the origin's
object, repeated in every row it spans); red-font runs are kept apart as the worker's updates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from mast_intake.parsers.layout import Block, Cell, Para, Segment, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
P, TBL, TR, TC, R, SDT = W + "p", W + "tbl", W + "tr", W + "tc", W + "r", W + "sdt"
_SDT_CONTENT = W + "sdtContent"
# Deleted and moved-away text, properties, field instructions: never part of what the tool says.
_SKIP = {
    W + "del", W + "moveFrom", W + "pPr", W + "rPr", W + "sdtPr", W + "sdtEndPr", W + "tcPr",
    W + "trPr", W + "tblPr", W + "tblGrid", W + "instrText", W + "delText", MC_FALLBACK,
}
_RUN_TEXT = {W + "t": None, W + "tab": "\t", W + "br": "\n", W + "cr": "\n",
             W + "noBreakHyphen": "-", W + "softHyphen": ""}


@dataclass
class WordBody:
    """A document body as blocks, and the ``w:p`` elements each paragraph and cell came from.

    Attributes:
        blocks: The body's paragraphs and tables in reading order, a nested table right after
            the table holding it; what ``parsers.extract`` reads the form from.
        elements: ``id(piece)`` -> (the piece, its ``w:p`` elements in order): one for a
            paragraph, every paragraph of a cell including those of the rows a vertically
            merged cell spans (empty ones too).

    The map is keyed by identity because cells and paragraphs are plain mutable records (the
    piece is kept beside its elements so that an id is never mistaken for a later object's);
    use :meth:`paragraphs_of` rather than reading it directly.
    """

    blocks: list[Block] = field(default_factory=list)
    elements: dict[int, tuple[Cell | Para, list[etree._Element]]] = field(default_factory=dict)

    def paragraphs_of(self, piece: Cell | Para) -> list[etree._Element]:
        """The ``w:p`` elements behind a cell or paragraph of :attr:`blocks` ([] for any other)."""
        entry = self.elements.get(id(piece))
        return entry[1] if entry is not None and entry[0] is piece else []


def walk_body(body: etree._Element) -> WordBody:
    """Walk a ``w:body`` (``document.element.body`` in python-docx) the way the reader reads it."""
    walked = WordBody()
    for child in _content(body):
        if child.tag == P:
            walked.blocks.append(_paragraph(walked, child))
        elif child.tag == TBL:
            walked.blocks.extend(_table(walked, child))
    return walked


def reachable_runs(element: etree._Element) -> list[etree._Element]:
    """The ``w:r`` runs under ``element`` the reader reads, in order.

    Runs inside deleted text, placeholder content controls, properties and field instructions
    are left out; runs inside inserted text, hyperlinks, fields' results and filled-in content
    controls are included.
    """
    runs: list[etree._Element] = []
    _collect_runs(element, runs)
    return runs


def _collect_runs(element: etree._Element, runs: list[etree._Element]) -> None:
    # Appending to one list, rather than nesting generators: this is the reader's hot path.
    for child in element:
        tag = child.tag
        if tag in _SKIP or not isinstance(tag, str):
            continue
        if tag == R:
            runs.append(child)
        elif tag != SDT or not _placeholder(child):
            _collect_runs(child, runs)


def is_red(run: etree._Element) -> bool:
    """Whether a run is in a red font: how workers mark their dated updates to a tool."""
    color = run.find(f"{W}rPr/{W}color")
    if color is None:
        return False
    value = (color.get(W + "val") or "").lower()
    if value == "red":
        return True
    if len(value) != 6:
        return False
    try:
        red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return False
    return red >= 0x99 and green <= 0x66 and blue <= 0x66


def _placeholder(sdt: etree._Element) -> bool:
    return sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is not None


def _paragraph(walked: WordBody, p: etree._Element) -> Para:
    segments: list[Segment] = []
    for run in reachable_runs(p):
        parts = []
        for piece in run:
            if piece.tag in _RUN_TEXT:
                fixed = _RUN_TEXT[piece.tag]
                parts.append(piece.text or "" if fixed is None else fixed)
        if parts:
            text = "".join(parts)
            red = is_red(run)
            if segments and segments[-1].red == red:
                segments[-1].text += text
            else:
                segments.append(Segment(text, red))
    para = Para(segments)
    walked.elements[id(para)] = (para, [p])
    return para


def _cell(walked: WordBody, tc: etree._Element, nested: list[Block]) -> tuple[Cell, list[etree._Element]]:
    cell, elements = Cell(), []
    for child in _content(tc):
        if child.tag == P:
            cell.paras.append(_paragraph(walked, child))
            elements.append(child)
        elif child.tag == TBL:
            nested.extend(_table(walked, child))
    return cell, elements


def _content(element: etree._Element) -> Iterator[etree._Element]:
    """Children, looking through block- and row-level content controls and custom XML."""
    for child in element:
        tag = child.tag
        if tag in _SKIP or not isinstance(tag, str):
            continue
        if tag == SDT:
            if not _placeholder(child):
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    yield from _content(content)
        elif tag in (W + "customXml", _SDT_CONTENT):
            yield from _content(child)
        else:
            yield child


def _int_attr(element: etree._Element | None, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(W + "val") or default)
    except ValueError:
        return default


def _table(walked: WordBody, tbl: etree._Element) -> list[Block]:
    """The table, then any tables nested in its cells."""
    table = Table()
    nested: list[Block] = []
    origins: dict[int, Cell] = {}
    for tr in _content(tbl):
        if tr.tag != TR:
            continue
        row: list[Cell] = []
        column = _int_attr(tr.find(f"{W}trPr/{W}gridBefore"), 0)
        for tc in _content(tr):
            if tc.tag != TC:
                continue
            span = _int_attr(tc.find(f"{W}tcPr/{W}gridSpan"), 1)
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            continues = merge is not None and merge.get(W + "val") in (None, "continue")
            cell, elements = _cell(walked, tc, nested)
            if continues and column in origins:
                origin = origins[column]
                origin.paras.extend(p for p in cell.paras if p.text.strip())
                walked.elements[id(origin)][1].extend(elements)
                cell = origin
            else:
                origins[column] = cell
                walked.elements[id(cell)] = (cell, elements)
            row.append(cell)
            column += span
        table.rows.append(row)
    return [table, *nested]
