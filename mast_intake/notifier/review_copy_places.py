"""Where each part of the form is in a .docx body, as the reader found it.

The body is walked once by ``parsers.word_walk`` and read once by ``parsers.reading``, the
reader's own pass: an item's comment therefore lands in the cell its score was read from.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from mast_intake.parsers.layout import Cell
from mast_intake.parsers.reading import FormReading, read_form
from mast_intake.parsers.word_walk import WordBody, walk_body

# Keys views.item_label knows besides item and detail keys.
_KEY_ALIASES = {"total": "stated_total", "score": "stated_total", "category": "stated_category"}


@dataclass
class Places:
    """The paragraphs (``w:p``) behind each label, answer and value, in document order."""

    body: etree._Element
    walked: WordBody
    reading: FormReading

    def has_item(self, key: str) -> bool:
        """Whether the reader found the item's label."""
        return key in self.reading.item_places

    def answers(self, key: str) -> list[Cell]:
        """The item's answer cells (none when it was written as paragraphs)."""
        places = self.reading.item_places.get(key)
        return places.answers if places else []

    def cell(self, cell: Cell) -> list[etree._Element]:
        """The paragraphs of one answer cell."""
        return self.walked.paragraphs_of(cell)

    def item_label(self, key: str) -> list[etree._Element]:
        """The paragraphs holding the item's label."""
        places = self.reading.item_places.get(key)
        return [p for label in places.labels for p in self.walked.paragraphs_of(label)] if places else []

    def item_paragraphs(self, key: str) -> list[etree._Element]:
        """The paragraphs of all the item's answer cells."""
        return [p for cell in self.answers(key) for p in self.cell(cell)]

    def box(self, key: str) -> list[etree._Element]:
        """The paragraphs of a whole-tool box: a detail, the total, category, date or summary."""
        key = _KEY_ALIASES.get(key, key)
        if key == "summary":
            written = [p for place in self.reading.summary_places for p in self.walked.paragraphs_of(place)]
            label = self.reading.summary_label
            return written or (self.walked.paragraphs_of(label) if label is not None else [])
        places = self.reading.value_places.get(key, [])
        return [p for place in places for p in self.walked.paragraphs_of(place)]


def locate(body: etree._Element) -> Places:
    """Walk and read the body as the Word reader does, keeping where everything was found."""
    walked = walk_body(body)
    return Places(body, walked, read_form(walked.blocks))
