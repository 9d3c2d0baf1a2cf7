"""What the cross-tool checks know about earlier tools, passed in as data (the rules do no I/O).

The caller (the poll cycle, see ``intake/across_tools.py``) loads the child's earlier tools and
the keyed text fingerprints of other children's tools that match this one, and hands them to
the checks as a :class:`History` in :class:`~mast_intake.validation.options.CheckOptions`.

Fingerprints are HMAC-SHA256 hashes of overlapping runs of words ("shingles") of a tool's
rationales and summary, keyed with a secret derived from the service's keys: equal passages give
equal hashes, but a hash gives back no words, so no extra plain text is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from mast_intake.models.assessment import Assessment

# Six words: long enough that stock phrases ("no concerns raised by school") rarely fill one,
# short enough that a pasted passage with the name changed still shares several runs.
SHINGLE_WORDS = 6
FINGERPRINT_CHARS = 24  # 96 bits of the HMAC: collisions are negligible at a council's scale
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def word_spans(text: str) -> list[tuple[int, int]]:
    """Where each word of ``text`` starts and ends (lower case and curly apostrophes ignored)."""
    return [m.span() for m in _WORD.finditer(text.lower().replace("\u2019", "'"))]


def words(text: str) -> list[str]:
    """The text's words, lower case, without punctuation."""
    folded = text.lower().replace("\u2019", "'")
    return [folded[start:end] for start, end in word_spans(text)]


def shingles(tokens: list[str], size: int = SHINGLE_WORDS) -> list[str]:
    """Every run of ``size`` consecutive words, in order."""
    return [" ".join(tokens[i:i + size]) for i in range(len(tokens) - size + 1)]


def keyed_hash(key: bytes, shingle: str) -> str:
    """The fingerprint of one shingle under ``key``."""
    return hmac.new(key, shingle.encode(), hashlib.sha256).hexdigest()[:FINGERPRINT_CHARS]


def passages(record: Assessment) -> Iterator[tuple[str | None, str]]:
    """(item key, text) of the passages copying matters in: each item's rationale and updates,
    and (None, summary)."""
    for key, item in record.items.items():
        if item.rationale:
            yield key, item.rationale
        for update in item.updates:
            if update.text:
                yield key, update.text
    if record.summary:
        yield None, record.summary


def fingerprints(record: Assessment, key: bytes) -> set[str]:
    """Every keyed shingle hash of the record's passages: what is stored for later tools."""
    return {keyed_hash(key, s) for _, text in passages(record) for s in shingles(words(text))}


@dataclass(frozen=True)
class PriorTool:
    """One earlier tool of the same child: its store id and the parsed record."""

    submission_id: int
    record: Assessment

    @property
    def assessment_date(self) -> date | None:
        return self.record.assessment_date


@dataclass(frozen=True)
class History:
    """Earlier tools, as the cross-tool checks need them.

    ``previous`` are the same child's earlier tools, oldest first. ``fingerprint_key`` is the
    key of the shingle hashes (empty: the copy check is off). ``other_children`` maps each of
    this tool's fingerprints that also occurs in another child's tool to the ids of those
    children. Which tools those are is not the checks' business (only the administrator's alert
    names them, and the poll reads them for that alone).
    """

    previous: tuple[PriorTool, ...] = ()
    fingerprint_key: bytes = field(default=b"", repr=False)
    other_children: Mapping[str, frozenset[int]] = field(default_factory=dict)

    def latest_before(self, day: date | None) -> PriorTool | None:
        """The most recent earlier tool assessed strictly before ``day``."""
        if day is None:
            return None
        earlier = [tool for tool in self.previous if tool.assessment_date and tool.assessment_date < day]
        return max(earlier, key=lambda tool: tool.assessment_date or date.min, default=None)


def history_from(previous: Iterable[Assessment], others: Iterable[tuple[int, Assessment]],
                 key: bytes) -> History:
    """The history of records held in memory: the child's earlier tools (oldest first, numbered
    from 1) and other children's tools as (child id, record), fingerprinted with ``key``."""
    children: dict[str, set[int]] = {}
    for child_id, record in others:
        for digest in fingerprints(record, key):
            children.setdefault(digest, set()).add(child_id)
    prior = tuple(PriorTool(number, record) for number, record in enumerate(previous, start=1))
    return History(prior, key, {d: frozenset(c) for d, c in children.items()})
