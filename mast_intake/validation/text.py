"""The texts of a record the checks read: each item's statements, updates and the summary."""

from __future__ import annotations

from collections.abc import Iterator

from mast_intake.models.assessment import Assessment, Entry, ItemEntry

EXCERPT_CHARS = 160


def scored_entries(item: ItemEntry) -> list[Entry]:
    """The statements that carry the item's point (unmarked ones too, when the item is scored)."""
    if item.score <= 0:
        return []
    marked = [e for e in item.entries if e.score]
    if marked:
        return marked
    unmarked = [e for e in item.entries if e.score is None and e.text]
    return unmarked or ([Entry(item.score, item.rationale)] if item.rationale else [])


def item_texts(item: ItemEntry) -> list[str]:
    """Every text written in the item: statements (or the rationale) and red-font updates."""
    texts = [e.text for e in item.entries if e.text] or ([item.rationale] if item.rationale else [])
    return texts + [u.text for u in item.updates if u.text]


def all_texts(record: Assessment) -> Iterator[tuple[str | None, str]]:
    """(item key, text) for every item text, then (None, summary)."""
    for key, item in record.items.items():
        for text in item_texts(item):
            yield key, text
    if record.summary:
        yield None, record.summary


def excerpt(text: str, start: int = 0, end: int | None = None) -> str:
    """The words around ``text[start:end]``, cut at word boundaries to a readable length."""
    text = " ".join(text.split()) if end is None else text
    end = len(text) if end is None else end
    if len(text) <= EXCERPT_CHARS:
        return " ".join(text.split())
    room = max(0, (EXCERPT_CHARS - (end - start)) // 2)
    left, right = max(0, start - room), min(len(text), end + room)
    while 0 < left < start and not text[left - 1].isspace():
        left += 1
    while end < right < len(text) and not text[right].isspace():
        right -= 1
    core = " ".join(text[left:right].split())
    return ("\u2026" if left > 0 else "") + core + ("\u2026" if right < len(text) else "")
