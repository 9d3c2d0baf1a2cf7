"""A document as the readers see it: paragraphs and table rows of cells, each cell a list of
paragraphs made of text segments, some in red (a worker's dated update).

The Word and PDF readers both reduce a file to this shape; ``extract`` then reads the form from
it by label, whatever the layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Segment:
    text: str
    red: bool = False


@dataclass
class Para:
    segments: list[Segment] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(segment.text for segment in self.segments)


@dataclass(eq=False)
class Cell:
    """One table cell; vertically merged continuations share the origin's Cell object."""

    paras: list[Para] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(para.text for para in self.paras).strip()


@dataclass
class Table:
    rows: list[list[Cell]] = field(default_factory=list)


Block = Para | Table


def plain_cell(text: str) -> Cell:
    """A cell of plain lines, as PDF text gives them."""
    return Cell([Para([Segment(line)]) for line in text.split("\n")])


def distinct_cells(row: list[Cell]) -> list[Cell]:
    """The row's cells once each: a cell spanning columns appears once, not per column."""
    cells: list[Cell] = []
    for cell in row:
        if not cells or cell is not cells[-1]:
            cells.append(cell)
    return cells
