"""The worker's own tool given back with each pre-check finding as a Word comment.

``annotate_docx`` takes the bytes of the .docx the worker sent and returns a copy that differs
only by Word comments (author "MAST Intake"), one per finding, anchored on the words the
finding quotes, else on the item's answer cell, else (for findings about the whole tool) on the
box the finding concerns: the score, the category, the Date/Version line, the age/date of birth
or the summary. ``rebuild_docx`` does the same for a PDF, which cannot be annotated in place, on
a Word rendering of the parsed record clearly titled as a rebuilt copy.

How the copy stays faithful:

- The answer cells are found exactly as the reader finds them: the body is walked like
  ``parsers.word`` walks it (content controls, tracked insertions and merged cells included,
  deletions and placeholder text left out) while remembering which ``w:tc``/``w:p`` each cell
  and paragraph came from, and the rows are then fed to the reader's own label logic
  (``parsers.extract``), so an item's comment lands in the cell its score was read from.
- Only runs the reader can reach are anchored; nothing inside ``w:del`` is touched. A run is
  split at the quoted words' edges by copying it (same properties, so the visible text and
  formatting do not change); runs inside plain-text/date/list content controls and legacy form
  fields are never split or marked inside: the comment then covers the whole control or field,
  because Word rebuilds their content when the worker edits them. The comment's reference mark
  goes after any tracked insertion, hyperlink, control or field that holds the last run, so it is
  never itself a tracked change or part of a field.
- python-docx re-serialises every part it saves, so the output package is assembled from the
  original zip: every part is copied byte for byte except ``word/document.xml`` (the anchors),
  its relationships (one more, to the comments part), ``[Content_Types].xml`` (one more
  override) and the comments part itself.

Nothing here logs: the documents hold special-category data about children.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.shared import Pt, RGBColor, Twips
from docx.table import Table as DocxTable
from docx.table import _Cell
from lxml import etree

from mast_intake.models.assessment import Assessment, ItemEntry
from mast_intake.models.finding import Finding
from mast_intake.models.form import DETAILS, FORM_TITLE, ITEMS, SECTIONS
from mast_intake.notifier.views.findings import SEVERITY_HEADINGS
from mast_intake.parsers import word
from mast_intake.parsers.entries import score_marker, score_only
from mast_intake.parsers.extract import _classify, _Found, _read_paragraph, _read_row
from mast_intake.parsers.labels import Label
from mast_intake.parsers.layout import Block, Cell, Para, Table, distinct_cells

AUTHOR = "MAST Intake"
INITIALS = "MAST"
REVIEW_SUFFIX = " - MAST review.docx"
REBUILT_TITLE = "REBUILT COPY FOR MAST REVIEW \u2013 this is not the file you sent"

W = word.W
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_P, _R, _T, _TC, _TR, _TBL = W + "p", W + "r", W + "t", W + "tc", W + "tr", W + "tbl"
_SDT, _SDT_PR, _RPR = W + "sdt", W + "sdtPr", W + "rPr"
_FLD_CHAR, _FLD_TYPE = W + "fldChar", W + "fldCharType"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_ONE_CHAR = {W + "tab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}
# Run children that hold no text and may sit on either side of a split.
_ZERO_WIDTH = {_RPR, W + "softHyphen", W + "lastRenderedPageBreak"}
# Content controls whose content Word regenerates (plain text, dates, lists, ...): a comment
# range inside one would be lost or refused, so such a control is anchored as a whole.
_RESTRICTED_SDT = {
    W + name for name in ("text", "date", "comboBox", "dropDownList", "picture", "docPartObj",
                          "docPartList", "citation", "bibliography", "equation", "group")
}
_RESTRICTED_SDT.add("{http://schemas.microsoft.com/office/word/2010/wordml}checkbox")
_ELLIPSIS = re.compile(r"^(?:\u2026|\.\.\.)+|(?:\u2026|\.\.\.)+$")
# Keys views.item_label knows besides item and detail keys.
_KEY_ALIASES = {"total": "stated_total", "score": "stated_total", "category": "stated_category"}
# Short quotes ("12", "Medium") are only looked for in their own box: elsewhere they would
# match the wrong words.
_MIN_FREE_SEARCH = 12


# --------------------------------------------------------------------------------------------
# Public API.
# --------------------------------------------------------------------------------------------


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
    document = docx.Document(io.BytesIO(original))
    places = _locate(document.element.body)
    for finding, text in zip(findings, texts, strict=True):
        comment = document.comments.add_comment(text=text, author=AUTHOR, initials=INITIALS)
        _anchor_finding(places, finding, comment.comment_id)
    return _repackage(original, document)


def rebuild_docx(record: Assessment, findings: Sequence[Finding],
                 texts: Sequence[str] | None = None) -> bytes:
    """A Word copy of the form rebuilt from ``record``, with the findings as comments.

    For a PDF, which cannot hold Word comments. The copy is titled as rebuilt so nobody takes it
    for the worker's file; its labels are the form's own, so it reads back as the same record.
    """
    return annotate_docx(_rebuilt_form(record), findings, texts)


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


# --------------------------------------------------------------------------------------------
# Finding the reader's cells in the XML.
# --------------------------------------------------------------------------------------------


@dataclass
class _Walk:
    """The body as ``parsers.word.blocks`` reads it, with the elements each piece came from."""

    blocks: list[Block] = field(default_factory=list)
    para_el: dict[int, etree._Element] = field(default_factory=dict)  # id(Para) -> w:p
    cell_ps: dict[int, list[etree._Element]] = field(default_factory=dict)  # id(Cell) -> w:p

    def walk(self, body: etree._Element) -> None:
        for child in word._content(body):
            if child.tag == _P:
                self.blocks.append(self._paragraph(child))
            elif child.tag == _TBL:
                self.blocks.extend(self._table(child))

    def _paragraph(self, p: etree._Element) -> Para:
        para = word._paragraph(p)
        self.para_el[id(para)] = p
        return para

    def _cell(self, tc: etree._Element, nested: list[Block]) -> tuple[Cell, list[etree._Element]]:
        cell, ps = Cell(), []
        for child in word._content(tc):
            if child.tag == _P:
                cell.paras.append(self._paragraph(child))
                ps.append(child)
            elif child.tag == _TBL:
                nested.extend(self._table(child))
        return cell, ps

    def _table(self, tbl: etree._Element) -> list[Block]:
        # Mirrors word._table (a test holds the two to the same record).
        table = Table()
        nested: list[Block] = []
        origins: dict[int, Cell] = {}
        for tr in word._content(tbl):
            if tr.tag != _TR:
                continue
            row: list[Cell] = []
            column = word._int_attr(tr.find(f"{W}trPr/{W}gridBefore"), 0)
            for tc in word._content(tr):
                if tc.tag != _TC:
                    continue
                span = word._int_attr(tc.find(f"{W}tcPr/{W}gridSpan"), 1)
                merge = tc.find(f"{W}tcPr/{W}vMerge")
                continues = merge is not None and merge.get(W + "val") in (None, "continue")
                extra, ps = self._cell(tc, nested)
                if continues and column in origins:
                    cell = origins[column]
                    cell.paras.extend(p for p in extra.paras if p.text.strip())
                    self.cell_ps[id(cell)].extend(ps)
                else:
                    cell = extra
                    origins[column] = cell
                    self.cell_ps[id(cell)] = ps
                row.append(cell)
                column += span
            table.rows.append(row)
        return [table, *nested]


@dataclass
class _Item:
    answers: list[Cell] = field(default_factory=list)
    label: list[etree._Element] = field(default_factory=list)  # w:p of the label


@dataclass
class _Places:
    """Where each part of the form is, as lists of ``w:p`` elements in document order."""

    walk: _Walk
    body: etree._Element
    items: dict[str, _Item] = field(default_factory=dict)
    boxes: dict[str, list[etree._Element]] = field(default_factory=dict)  # details, score, date...
    summary: list[etree._Element] = field(default_factory=list)
    summary_label: list[etree._Element] = field(default_factory=list)

    def cell(self, cell: Cell) -> list[etree._Element]:
        return self.walk.cell_ps.get(id(cell), [])

    def item_paragraphs(self, key: str) -> list[etree._Element]:
        item = self.items.get(key)
        return [p for cell in item.answers for p in self.cell(cell)] if item else []

    def box(self, key: str) -> list[etree._Element]:
        key = _KEY_ALIASES.get(key, key)
        if key == "summary":
            return self.summary or self.summary_label
        return self.boxes.get(key, [])


def _locate(body: etree._Element) -> _Places:
    """Run the reader's label logic over the body, noting the cells behind every value it reads."""
    walk = _Walk()
    walk.walk(body)
    places = _Places(walk, body)
    found = _Found()
    for block in walk.blocks:
        items_before = {key: len(groups) for key, groups in found.items.items()}
        values_before, summary_before = set(found.values), len(found.summary)
        if isinstance(block, Para):
            _read_paragraph(found, block)
            p = walk.para_el[id(block)]
            for key, groups in found.items.items():
                if len(groups) > items_before.get(key, 0):
                    places.items.setdefault(key, _Item()).label.append(p)
            for key in found.values.keys() - values_before:
                places.boxes[key] = [p]
            label, _ = _classify(Cell([block]))
            if label is not None and label.kind == "summary" and not places.summary_label:
                places.summary_label = [p]
            if len(found.summary) > summary_before:
                places.summary.append(p)
            continue
        above: dict[int, Label | None] = {}
        for row in block.rows:
            items_before = {key: len(groups) for key, groups in found.items.items()}
            values_before, summary_before = set(found.values), len(found.summary)
            above = _read_row(found, row, above)
            _note_row(places, found, distinct_cells(row), items_before, values_before, summary_before)
    return places


def _note_row(places: _Places, found: _Found, unique: list[Cell], items_before: dict[str, int],
              values_before: set[str], summary_before: int) -> None:
    """Record the cells of one row the reader has just taken a value from."""
    classified = [_classify(cell) for cell in unique]
    labels = [label for label, _ in classified]
    for key, groups in found.items.items():
        if len(groups) == items_before.get(key, 0):
            continue
        item = places.items.setdefault(key, _Item())
        for group in groups[items_before.get(key, 0):]:
            item.answers.extend(cell for cell in group if all(cell is not c for c in item.answers))
        for cell, label in zip(unique, labels, strict=True):
            if label is not None and label.kind == "item" and label.key == key and not item.label:
                item.label = places.cell(cell)
    for key in found.values.keys() - values_before:
        index = next((i for i, label in enumerate(labels) if label is not None and label.key == key), None)
        if index is None:
            continue
        end = index + 2  # the cell right after a label is its value, whatever it looks like
        while end < len(unique) and labels[end] is None:
            end += 1
        values = [cell for cell in unique[index + 1 : end] if cell.text]
        chosen = values or [unique[index]]  # "Risk Assessment score: 12" in the label's own cell
        places.boxes[key] = [p for cell in chosen for p in places.cell(cell)]
    for index, label in enumerate(labels):
        if label is not None and label.kind == "summary" and not places.summary_label:
            places.summary_label = places.cell(unique[index])
    if len(found.summary) > summary_before:
        for cell, (label, inline) in zip(unique, classified, strict=True):
            # The summary label's own cell counts only when the summary is written in it.
            if cell.text and (label is None or (label.kind == "summary" and inline)):
                places.summary.extend(p for p in places.cell(cell) if p not in places.summary)


# --------------------------------------------------------------------------------------------
# The text of a region, character by character, and finding the quoted words in it.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Char:
    char: str
    run: etree._Element | None  # None for the break between paragraphs
    offset: int = 0  # position within the run's text
    red: bool = False


def _reachable_runs(element: etree._Element) -> Iterator[etree._Element]:
    """The runs the reader reads, in order: never deleted text or placeholder prompts."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in word._SKIP:
            continue
        if tag == _R:
            yield child
        elif tag == _SDT:
            if not word._placeholder(child):
                yield from _reachable_runs(child)
        else:
            yield from _reachable_runs(child)


def _run_chars(run: etree._Element) -> Iterator[str]:
    for piece in run:
        if piece.tag == _T:
            yield from piece.text or ""
        elif piece.tag in _ONE_CHAR:
            yield _ONE_CHAR[piece.tag]


def _chars(paragraphs: Sequence[etree._Element]) -> list[_Char]:
    chars: list[_Char] = []
    for p in paragraphs:
        for run in _reachable_runs(p):
            red = word._is_red(run)
            chars.extend(_Char(ch, run, offset, red) for offset, ch in enumerate(_run_chars(run)))
        chars.append(_Char("\n", None))
    return chars


def _marker_positions(chars: list[_Char]) -> set[int]:
    """Positions of the score markers the reader strips ("1- ", "Score 1: ") from statements.

    A quote spanning two statements of one cell is their texts without the markers between.
    """
    positions: set[int] = set()
    line: list[int] = []

    def close() -> None:
        text = "".join(chars[i].char for i in line)
        score, rest = score_marker(text)
        if score is not None:
            keep = len(text.rstrip()) - len(rest) if rest else len(text)
            positions.update(line[:keep])
        line.clear()

    for index, ch in enumerate(chars):
        if ch.run is None or ch.char == "\n":
            close()
        elif not ch.red:
            line.append(index)
    close()
    return positions


def _normalised(excerpt: str) -> str:
    return "".join(_ELLIPSIS.sub("", excerpt.strip()).split())


def _find(chars: list[_Char], excerpt: str) -> tuple[_Char, _Char] | None:
    """The first and last character of ``excerpt`` in ``chars``, ignoring whitespace."""
    wanted = _normalised(excerpt)
    if not wanted:
        return None
    for skip in (set(), _marker_positions(chars)):
        indices = [i for i, ch in enumerate(chars)
                   if ch.run is not None and not ch.char.isspace() and i not in skip]
        text = "".join(chars[i].char for i in indices)
        start = text.find(wanted)
        if start >= 0:
            return chars[indices[start]], chars[indices[start + len(wanted) - 1]]
    return None


# --------------------------------------------------------------------------------------------
# Anchoring.
# --------------------------------------------------------------------------------------------


def _anchor_finding(places: _Places, finding: Finding, comment_id: int) -> None:
    """Place one comment: on the quoted words, else the item's cell, else the tool's boxes."""
    key = finding.item
    if key is not None and key in places.items:
        paragraphs = places.item_paragraphs(key)
        if finding.excerpt and _anchor_excerpt(paragraphs, finding.excerpt, comment_id):
            return
        if _anchor_item(places, key, comment_id):
            return
    elif key is not None and places.box(key):
        if finding.excerpt and _anchor_excerpt(places.box(key), finding.excerpt, comment_id):
            return
        if _anchor_whole(places.box(key), comment_id):
            return
    boxes = [places.box(name) for name in (*_anchor_boxes(finding.code), "summary")]
    if finding.excerpt:
        searched = boxes
        if len(_normalised(finding.excerpt)) >= _MIN_FREE_SEARCH:
            searched = searched + [places.item_paragraphs(k) for k in ITEMS]
        if any(_anchor_excerpt(paragraphs, finding.excerpt, comment_id) for paragraphs in searched):
            return
    for paragraphs in (*boxes, places.box("stated_total")):
        if _anchor_whole(paragraphs, comment_id):
            return
    first_text = next((p for p in places.body.iter(_P) if _runs_with_text(p)), None)
    if first_text is not None:
        _anchor_whole([first_text], comment_id)
        return
    first = next(places.body.iter(_P), None)
    if first is None:  # an empty body: a paragraph of its own to hold the mark
        first = OxmlElement("w:p")
        places.body.insert(0, first)
    _mark_point(first, comment_id)


def _anchor_boxes(code: str) -> tuple[str, ...]:
    """The boxes the finding's rule names for a whole-tool finding (``Rule.anchor``), in order."""
    # Imported here, as in comment_text: the catalogue's checks load spaCy.
    from mast_intake.notifier.advice import anchor_boxes

    return anchor_boxes(code)


def _anchor_item(places: _Places, key: str, comment_id: int) -> bool:
    """The item's whole answer: its rationale cell first, then any answer cell, then its label."""
    item = places.items[key]
    written = [cell for cell in item.answers if cell.text and score_only(cell.text) is None]
    cells = written + [cell for cell in item.answers if cell not in written]
    for cell in cells:
        if _anchor_whole(places.cell(cell), comment_id):
            return True
    if _anchor_whole(item.label, comment_id):
        return True
    paragraphs = places.item_paragraphs(key) or item.label
    if paragraphs:
        _mark_point(paragraphs[0], comment_id)
        return True
    return False


def _runs_with_text(p: etree._Element) -> list[etree._Element]:
    return [run for run in _reachable_runs(p) if "".join(_run_chars(run)).strip()]


def _anchor_whole(paragraphs: Sequence[etree._Element], comment_id: int) -> bool:
    """Anchor on every run of the first paragraph that has text; False when none has."""
    for p in paragraphs:
        runs = _runs_with_text(p)
        if runs:
            _mark(_outer(runs[0], "start"), _outer(runs[-1], "end"), comment_id)
            return True
    return False


def _anchor_excerpt(paragraphs: Sequence[etree._Element], excerpt: str, comment_id: int) -> bool:
    chars = _chars(paragraphs)
    span = _find(chars, excerpt)
    if span is None:
        return False
    first, last = span
    assert first.run is not None and last.run is not None
    end_node, start_node = _outer(last.run, "end"), _outer(first.run, "start")
    # Split the end first: when both ends are in one run, the start offset stays valid in the
    # left-hand copy the end split leaves.
    start_run = first.run
    if end_node is last.run:
        left = _split(last.run, last.offset + 1)
        if left is not None:
            end_node = left
            if first.run is last.run:
                start_run = left
                if start_node is last.run:
                    start_node = left
    if start_node is start_run and first.offset:
        # The copy takes the text before the quote; start_run keeps the quote and stays the start.
        _split(start_run, first.offset)
    _mark(start_node, end_node, comment_id)
    return True


def _outer(run: etree._Element, side: str) -> etree._Element:
    """The element to put a range mark beside for ``run``: the run itself, or the content
    control or field holding it (its first element for the ``"start"`` side, last for ``"end"``).
    """
    node = run
    ancestor = run.getparent()
    while ancestor is not None and ancestor.tag != _P:
        if ancestor.tag == _SDT and _restricted(ancestor):
            node = ancestor
        ancestor = ancestor.getparent()
    if ancestor is None:
        return node
    top = _paragraph_child(node)
    for begin, end in _field_spans(ancestor):
        if _within(ancestor, begin, top, end):
            return begin if side == "start" else end
    return node


def _restricted(sdt: etree._Element) -> bool:
    pr = sdt.find(_SDT_PR)
    return pr is not None and any(child.tag in _RESTRICTED_SDT for child in pr)


def _paragraph_child(node: etree._Element) -> etree._Element:
    while node.getparent() is not None and node.getparent().tag != _P:
        node = node.getparent()
    return node


def _within(p: etree._Element, begin: etree._Element, node: etree._Element,
            end: etree._Element) -> bool:
    children = list(p)
    return children.index(begin) <= children.index(node) <= children.index(end)


def _field_spans(p: etree._Element) -> list[tuple[etree._Element, etree._Element]]:
    """(begin, end) paragraph children of each outermost complex field in the paragraph."""
    spans = []
    depth, begin = 0, None
    children = list(p)
    for child in children:
        for char in child.iter(_FLD_CHAR):
            kind = char.get(_FLD_TYPE)
            if kind == "begin":
                if depth == 0:
                    begin = child
                depth += 1
            elif kind == "end" and depth:
                depth -= 1
                if depth == 0 and begin is not None:
                    spans.append((begin, child))
    if depth and begin is not None:  # the field ends in a later paragraph
        spans.append((begin, children[-1]))
    return spans


def _split(run: etree._Element, at: int) -> etree._Element | None:
    """Split ``run`` before its character ``at``: a copy holding the text before ``at`` is
    inserted ahead of it and returned; ``run`` keeps the rest. None when there is nothing to
    split, or the run holds more than text (a field character, a drawing) and is left whole.
    """
    length = sum(1 for _ in _run_chars(run))
    if at <= 0 or at >= length:
        return None
    if any(piece.tag not in _ZERO_WIDTH and piece.tag != _T and piece.tag not in _ONE_CHAR
           for piece in run):
        return None
    left = copy.deepcopy(run)
    run.addprevious(left)
    _keep(left, 0, at)
    _keep(run, at, length + 1)  # + 1: a trailing soft hyphen or page-break mark stays on the right
    return left


def _keep(run: etree._Element, start: int, stop: int) -> None:
    """Drop the run's text outside characters [start, stop), keeping its properties."""
    position = 0
    for piece in list(run):
        if piece.tag == _T:
            text = piece.text or ""
            kept = text[max(0, start - position) : max(0, stop - position)]
            position += len(text)
            if not kept:
                run.remove(piece)
                continue
            piece.text = kept
            if kept != kept.strip():
                piece.set(XML_SPACE, "preserve")
        elif piece.tag in _ONE_CHAR:
            if not start <= position < stop:
                run.remove(piece)
            position += 1
        elif piece.tag != _RPR and not start <= position < stop:
            run.remove(piece)


def _mark(start: etree._Element, end: etree._Element, comment_id: int) -> None:
    """commentRangeStart before ``start``, commentRangeEnd after ``end``, then the reference."""
    start.addprevious(_w("w:commentRangeStart", comment_id))
    range_end = _w("w:commentRangeEnd", comment_id)
    end.addnext(range_end)
    # After the range end, as Word writes it: the mark shows where the commented words stop.
    _paragraph_level_after(range_end).addnext(_reference_run(comment_id))


def _paragraph_level_after(node: etree._Element) -> etree._Element:
    """The paragraph child after which a new run may go: out of tracked insertions, controls,
    hyperlinks, and past the end of any field the node sits in."""
    top = _paragraph_child(node)
    p = top.getparent()
    if p is None or p.tag != _P:
        return node
    for begin, end in _field_spans(p):
        if _within(p, begin, top, end):
            return end
    return top


def _mark_point(p: etree._Element, comment_id: int) -> None:
    """A comment on an empty paragraph: an empty range at its end."""
    p.append(_w("w:commentRangeStart", comment_id))
    p.append(_w("w:commentRangeEnd", comment_id))
    p.append(_reference_run(comment_id))


def _w(tag: str, comment_id: int) -> etree._Element:
    return OxmlElement(tag, attrs={f"{W}id": str(comment_id)})


def _reference_run(comment_id: int) -> etree._Element:
    """The run that shows the comment mark, as python-docx and Word write it."""
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:rStyle", attrs={f"{W}val": "CommentReference"}))
    run.append(rpr)
    run.append(_w("w:commentReference", comment_id))
    return run


# --------------------------------------------------------------------------------------------
# The package: the original's parts, byte for byte, but for the few that carry the comments.
# --------------------------------------------------------------------------------------------


def _repackage(original: bytes, document: docx.document.Document) -> bytes:
    part = document.part
    comments = part.part_related_by(RT.COMMENTS)
    # Only these parts changed: serialised on their own, not by saving (and compressing) the
    # whole package again.
    rels = part.rels.xml
    changed = {
        part.partname.membername: part.blob,
        part.partname.rels_uri.membername: rels.encode("utf-8") if isinstance(rels, str) else rels,
        comments.partname.membername: comments.blob,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        written = set()
        for info in source.infolist():
            if info.filename in written:
                continue
            if info.filename == "[Content_Types].xml":
                data = _content_types(source.read(info), comments.partname, comments.content_type)
            elif info.filename in changed:
                data = changed[info.filename]
            else:
                data = source.read(info)
            target.writestr(_entry(info.filename, info.date_time), data, compresslevel=_COMPRESS_LEVEL)
            written.add(info.filename)
        for name in sorted(changed.keys() - written):
            target.writestr(_entry(name), changed[name], compresslevel=_COMPRESS_LEVEL)
    return out.getvalue()


# The fastest deflate: a review copy is read once, and level 6 took most of the time to build it.
_COMPRESS_LEVEL = 1


def _entry(name: str, when: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _content_types(data: bytes, partname: str, content_type: str) -> bytes:
    """The original content types, with an override for the comments part when it has none."""
    root = etree.fromstring(data)
    for override in root.iter(f"{{{_CT_NS}}}Override"):
        if override.get("PartName", "").lower() == str(partname).lower():
            return data
    etree.SubElement(root, f"{{{_CT_NS}}}Override", PartName=str(partname), ContentType=content_type)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --------------------------------------------------------------------------------------------
# A Word rendering of a parsed record, for a PDF.
# --------------------------------------------------------------------------------------------

_RED = RGBColor(0xFF, 0x00, 0x00)
_GREY = RGBColor(0x59, 0x59, 0x59)


def _rebuilt_form(record: Assessment) -> bytes:
    """The form laid out from the record with its own labels (so it reads back the same)."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    document.core_properties.title = "Rebuilt copy for MAST review"
    document.core_properties.author = AUTHOR
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
