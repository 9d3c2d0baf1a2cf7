"""Word comment marks on the runs the reader reads: on quoted words, on a whole paragraph, at a point.

A run is split at the quoted words' edges by copying it (same properties, so the visible text
and formatting do not change); runs inside plain-text/date/list content controls and legacy form
fields are never split or marked inside: the comment then covers the whole control or field,
because Word rebuilds their content when the worker edits them. The comment's reference mark
goes after any tracked insertion, hyperlink, control or field that holds the last run, so it is
never itself a tracked change or part of a field. Nothing inside ``w:del`` is touched: only
runs ``parsers.word_walk.reachable_runs`` yields are marked.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from docx.oxml import OxmlElement
from lxml import etree

from mast_intake.parsers.entries import score_marker
from mast_intake.parsers.word_walk import SDT, P, W, is_red, reachable_runs

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_T, _SDT_PR, _RPR = W + "t", W + "sdtPr", W + "rPr"
_FLD_CHAR, _FLD_TYPE = W + "fldChar", W + "fldCharType"
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


@dataclass(frozen=True)
class _Char:
    char: str
    run: etree._Element | None  # None for the break between paragraphs
    offset: int = 0  # position within the run's text
    red: bool = False




def _run_chars(run: etree._Element) -> Iterator[str]:
    for piece in run:
        if piece.tag == _T:
            yield from piece.text or ""
        elif piece.tag in _ONE_CHAR:
            yield _ONE_CHAR[piece.tag]


def _chars(paragraphs: Sequence[etree._Element]) -> list[_Char]:
    chars: list[_Char] = []
    for p in paragraphs:
        for run in reachable_runs(p):
            red = is_red(run)
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


def normalised(excerpt: str) -> str:
    """A quote as it is looked for: no leading/trailing ellipsis, no whitespace."""
    return "".join(_ELLIPSIS.sub("", excerpt.strip()).split())


def _find(chars: list[_Char], excerpt: str) -> tuple[_Char, _Char] | None:
    """The first and last character of ``excerpt`` in ``chars``, ignoring whitespace."""
    wanted = normalised(excerpt)
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



def runs_with_text(p: etree._Element) -> list[etree._Element]:
    """The reader's runs in ``p`` that show something other than whitespace."""
    return [run for run in reachable_runs(p) if "".join(_run_chars(run)).strip()]


def mark_whole(paragraphs: Sequence[etree._Element], comment_id: int) -> bool:
    """Anchor on every run of the first paragraph that has text; False when none has."""
    for p in paragraphs:
        runs = runs_with_text(p)
        if runs:
            _mark(_outer(runs[0], "start"), _outer(runs[-1], "end"), comment_id)
            return True
    return False


def mark_excerpt(paragraphs: Sequence[etree._Element], excerpt: str, comment_id: int) -> bool:
    """Anchor on the quoted words in the paragraphs, whitespace aside; False when not there."""
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
    while ancestor is not None and ancestor.tag != P:
        if ancestor.tag == SDT and _restricted(ancestor):
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
    parent = node.getparent()
    while parent is not None and parent.tag != P:
        node, parent = parent, parent.getparent()
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
    if p is None or p.tag != P:
        return node
    for begin, end in _field_spans(p):
        if _within(p, begin, top, end):
            return end
    return top


def mark_point(p: etree._Element, comment_id: int) -> None:
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

