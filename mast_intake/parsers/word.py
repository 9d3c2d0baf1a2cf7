"""Read a risk tool from a Word .docx with python-docx.

python-docx opens the package (it never follows external relationships such as a remote
template); the body is then walked directly so that text inside content controls and inserted
tracked changes counts, deleted text never does, placeholder text of empty form fields is
ignored, and red-font runs are kept apart as the worker's dated updates.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from mast_intake.models.assessment import Assessment
from mast_intake.parsers.extract import extract
from mast_intake.parsers.layout import Block, Cell, Para, Segment, Table
from mast_intake.parsers.rejections import ParseRejected

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _TBL, _TR, _TC, _R, _SDT = W + "p", W + "tbl", W + "tr", W + "tc", W + "r", W + "sdt"
_SDT_CONTENT, _T = W + "sdtContent", W + "t"
# Deleted and moved-away text, properties, field instructions: never part of what the tool says.
_SKIP = {
    W + "del", W + "moveFrom", W + "pPr", W + "rPr", W + "sdtPr", W + "sdtEndPr", W + "tcPr",
    W + "trPr", W + "tblPr", W + "tblGrid", W + "instrText", W + "delText", MC_FALLBACK,
}
_RUN_TEXT = {W + "t": None, W + "tab": "\t", W + "br": "\n", W + "cr": "\n",
             W + "noBreakHyphen": "-", W + "softHyphen": ""}


def _is_red(run: etree._Element) -> bool:
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


def _runs(element: etree._Element, segments: list[Segment]) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIP or not isinstance(tag, str):
            continue
        if tag == _R:
            red = _is_red(child)
            parts = []
            for piece in child:
                if piece.tag in _RUN_TEXT:
                    fixed = _RUN_TEXT[piece.tag]
                    parts.append(piece.text or "" if fixed is None else fixed)
            if parts:
                text = "".join(parts)
                if segments and segments[-1].red == red:
                    segments[-1].text += text
                else:
                    segments.append(Segment(text, red))
        elif tag == _SDT:
            if not _placeholder(child):
                _runs(child, segments)
        else:
            _runs(child, segments)


def _paragraph(p: etree._Element) -> Para:
    segments: list[Segment] = []
    _runs(p, segments)
    return Para(segments)


def _cell(tc: etree._Element, nested: list[Block]) -> Cell:
    cell = Cell()
    for child in _content(tc):
        if child.tag == _P:
            cell.paras.append(_paragraph(child))
        elif child.tag == _TBL:
            nested.extend(_table(child))
    return cell


def _content(element: etree._Element) -> Iterator[etree._Element]:
    """Children, looking through block- and row-level content controls and custom XML."""
    for child in element:
        tag = child.tag
        if tag in _SKIP or not isinstance(tag, str):
            continue
        if tag == _SDT:
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


def _table(tbl: etree._Element) -> list[Block]:
    """The table, then any tables nested in its cells."""
    table = Table()
    nested: list[Block] = []
    origins: dict[int, Cell] = {}
    for tr in _content(tbl):
        if tr.tag != _TR:
            continue
        row: list[Cell] = []
        column = _int_attr(tr.find(f"{W}trPr/{W}gridBefore"), 0)
        for tc in _content(tr):
            if tc.tag != _TC:
                continue
            span = _int_attr(tc.find(f"{W}tcPr/{W}gridSpan"), 1)
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            continues = merge is not None and merge.get(W + "val") in (None, "continue")
            if continues and column in origins:
                cell = origins[column]
                extra = _cell(tc, nested)
                cell.paras.extend(p for p in extra.paras if p.text.strip())
            else:
                cell = _cell(tc, nested)
                origins[column] = cell
            row.append(cell)
            column += span
        table.rows.append(row)
    return [table, *nested]


def blocks(body: etree._Element) -> list[Block]:
    """The body as paragraphs and tables, in reading order."""
    result: list[Block] = []
    for child in _content(body):
        if child.tag == _P:
            result.append(_paragraph(child))
        elif child.tag == _TBL:
            result.extend(_table(child))
    return result


def parse_docx(data: bytes, file_name: str, sha256: str) -> Assessment:
    """Read a .docx risk tool into a record; raises ParseRejected when it cannot."""
    try:
        document = docx.Document(io.BytesIO(_as_document(data)))
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise ParseRejected("corrupt", type(exc).__name__) from exc
    return extract(blocks(document.element.body), file_name, sha256, "docx")


_TEMPLATE_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _as_document(data: bytes) -> bytes:
    """A Word template (.dotx) as a document: the same form, saved as a template by mistake.

    python-docx opens only the document content type, so the package's content-types part is
    rewritten in memory; nothing else in the package changes.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        try:
            content_types = package.read("[Content_Types].xml")
        except KeyError:
            return data
        if _TEMPLATE_MAIN not in content_types:
            return data
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rebuilt:
            for info in package.infolist():
                body = package.read(info)
                if info.filename == "[Content_Types].xml":
                    body = body.replace(_TEMPLATE_MAIN, _DOCUMENT_MAIN)
                rebuilt.writestr(info, body)
    return out.getvalue()
