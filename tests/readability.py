"""A message's own sentences, ready for a reading-grade measure.

Left out: the worker's words and the guide's words (always in quotation marks), the form's item
labels (before the colon of a numbered line), addresses, file names, references, dates and
times, headings' underlines and the "Label: value" lines of a details block.
"""

from __future__ import annotations

import re

import textstat

QUOTED = re.compile(r"\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d")
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
FILE_NAME = re.compile(r"\S[^\n]*?\.(?:docx|pdf|doc|docm|bin|png)\b")
REFERENCE = re.compile(r"\bMAST-\d+\b")
DATE = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} \w+ \d{4}"
                  r"(?: at \d\d:\d\d)?")
NUMBERED = re.compile(r"^\s*(?:\d+\.|-)\s+[^:]{1,200}:\s*")
FIELD = re.compile(r"^[A-Z][A-Za-z' ]{0,40}:\s*\S.*$")
RULE = re.compile(r"^[-=]{2,}$")


def _clean(line: str) -> str:
    line = QUOTED.sub(" ", line)
    line = ADDRESS.sub("the mailbox", line)
    line = FILE_NAME.sub("the file", line)
    line = REFERENCE.sub("the case", line)
    return DATE.sub("that day", line)


def _blocks(text: str) -> list[str]:
    """Prose paragraphs joined across wrapped lines; headings, list items and fields on their own."""
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            blocks.append(" ".join(current))
            current.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line or RULE.match(line):
            flush()
            continue
        if NUMBERED.match(raw) or FIELD.match(line) or line.isupper():
            flush()
            blocks.append(line)
            continue
        current.append(line)
    flush()
    return blocks


def own_sentences(text: str) -> list[str]:
    """The message's own sentences, with quotes, labels and data taken out."""
    sentences: list[str] = []
    for block in _blocks(text):
        line = NUMBERED.sub("", _clean(block)).strip()
        if not line or (FIELD.match(line) and not line.endswith(".")):
            continue
        if line[-1] not in ".?!":
            line += "."
        sentences.extend(part for part in re.split(r"(?<=[.?!])\s+", line) if part.strip(" .-"))
    return sentences


def grade(text: str) -> float:
    """Flesch-Kincaid grade of the message's own sentences."""
    return textstat.flesch_kincaid_grade(" ".join(own_sentences(text)))


def hardest(text: str, count: int = 3) -> list[tuple[float, str]]:
    """The ``count`` sentences with the highest grade, to say what to rewrite when a test fails."""
    scored = [(textstat.flesch_kincaid_grade(s), s) for s in own_sentences(text)]
    return sorted(scored, reverse=True)[:count]
