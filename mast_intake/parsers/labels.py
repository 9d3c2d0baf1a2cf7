"""Recognise the form's printed labels in cell text, tolerant of small wording changes.

Councils retype labels, shorten them, swap "&" for "and", drop "– Rationale for decision" and
break them across lines or pages. A label is matched on its meaningful words (lightly
stemmed), never on its position in the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from mast_intake.models.form import DETAILS, ITEMS, SECTIONS

_STOPWORDS = frozenset(
    "a an and are as at be been by for from given if in is it of on or please the this to with "
    "etc i e ie eg".split()
)
_WORD = re.compile(r"[a-z0-9]+")


# Other wordings of the details labels, by the key they fill (keys beyond DETAILS are read
# into the record's fields too: ``known_as``, and ``age``/``dob`` joined into ``age_dob``).
REWORDED_DETAILS: dict[str, tuple[str, ...]] = {
    "name": ("Name", "Child's name", "Young person", "Young person's name", "Full name",
             "Name of child", "Name of young person"),
    "known_as": ("Known as", "Alias", "AKA", "Nickname", "Preferred name"),
    "age_dob": ("Age / D.O.B.", "Age and date of birth", "Age/DOB", "DOB / Age", "D.O.B. / Age"),
    "age": ("Age", "Current age", "Age (years)"),
    "dob": ("Date of birth", "DOB", "D.O.B.", "D.o.B", "Birth date", "Born"),
}


@dataclass(frozen=True)
class Label:
    kind: str  # item, detail, stated_total, stated_category, date_version, summary, heading
    key: str
    words: frozenset[str]
    # Short retyped labels ("Name", "Known as") match only word for word: "None known" is no label.
    exact: bool = False


def _stem(word: str) -> str:
    """``word`` without a plural or verb ending."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


# The reader stems every word of every cell, and the same words recur.
_word_stem = lru_cache(maxsize=1 << 15)(_stem)


def _tokens(text: str) -> list[str]:
    lowered = text.lower().replace("&", " and ").replace("’", "'").replace("'s", "")
    return _WORD.findall(lowered)


def _meaningful(tokens: list[str]) -> frozenset[str]:
    """The stems of ``tokens`` that are not stop words."""
    return frozenset(_word_stem(w) for w in tokens if w not in _STOPWORDS)


def words_of(text: str) -> frozenset[str]:
    """The meaningful, lightly stemmed words of ``text``."""
    return _meaningful(_tokens(text))


def _vocabulary() -> tuple[Label, ...]:
    labels = [Label("item", spec.key, words_of(spec.label)) for spec in ITEMS.values()]
    labels += [Label("detail", spec.key, words_of(spec.label)) for spec in DETAILS.values()]
    # The printed form breaks the name label over two rows: "Child/Young" | "Person's Name ...".
    labels.append(Label("detail", "name", words_of("Child/Young")))
    # Workers retype the details table: "Name", "D.O.B.", separate "Age" and "Date of birth"
    # rows, a "Known as" row. Age and date of birth are joined into age_dob by the reader.
    labels += [Label("detail", key, words_of(text), exact=True)
               for key, texts in REWORDED_DETAILS.items() for text in texts]
    labels += [
        Label("stated_total", "stated_total", words_of("Risk Assessment score")),
        Label("stated_total", "stated_total", words_of("Total score")),
        Label("stated_category", "stated_category", words_of("Risk Category")),
        Label("stated_category", "stated_category", words_of("Risk level")),
        Label("date_version", "date_version", words_of("Date/Version")),
        Label("date_version", "date_version", words_of("Date of assessment")),
        Label(
            "summary",
            "summary",
            words_of("Additional professional comments and any additional information not scored"),
        ),
    ]
    headings = [s.heading for s in SECTIONS.values()] + [s.instruction for s in SECTIONS.values()]
    headings += [
        "Score",
        "Rationale and source of information",
        "Rationale",
        "Use this section to give a view about the current risk.",
        "Low risk of sexual exploitation (at risk of being exploited) (score 0-10)",
        "Medium risk of sexual exploitation (at risk of being exploited) (score 11-19)",
        "High risk of sexual exploitation (being exploited) (score 20+)",
    ]
    labels += [Label("heading", text, words_of(text)) for text in headings]
    return tuple(label for label in labels if label.words)


def _holding(labels: tuple[Label, ...]) -> dict[str, tuple[int, ...]]:
    """Each word, and the positions of the labels that hold it."""
    holding: dict[str, list[int]] = {}
    for position, label in enumerate(labels):
        for word in label.words:
            holding.setdefault(word, []).append(position)
    return {word: tuple(positions) for word, positions in holding.items()}


VOCABULARY = _vocabulary()
# A text is scored only against the labels it shares a word with: every other label scores 0.
_HOLDING = _holding(VOCABULARY)


def _score(words: frozenset[str], extra: frozenset[str], label: Label) -> float:
    """Dice similarity, raised for a shortened label whose every word belongs to ``label``."""
    common = len((words | extra) & label.words)
    if not common or (label.exact and words != label.words):
        return 0.0
    dice = min(1.0, 2 * common / (len(words) + len(label.words)))
    precision, recall = common / len(words), common / len(label.words)
    if precision >= 0.99 and len(words) >= 2 and recall >= 0.3:
        return max(dice, 0.7)
    return dice


@lru_cache(maxsize=8192)
def _ranked(text: str) -> tuple[tuple[float, Label], ...]:
    """The labels ``text`` could be, best first (cached: a cell's text is asked about more than once)."""
    tokens = _tokens(text)
    words = _meaningful(tokens)
    if not words or len(words) > 40:
        return ()
    # Adjacent tokens glued together: PDF text sometimes splits a word ("Learnin g"). Only a
    # glued word that some label holds can raise a score.
    extra = frozenset(glued for a, b in zip(tokens, tokens[1:], strict=False)
                      if (glued := _stem(a + b)) in _HOLDING)
    # In VOCABULARY's order, so that equal scores rank as they always have.
    sharing = sorted({position for word in words | extra for position in _HOLDING.get(word, ())})
    scored = [(_score(words, extra, VOCABULARY[position]), VOCABULARY[position]) for position in sharing]
    return tuple(sorted((pair for pair in scored if pair[0] > 0), key=lambda pair: -pair[0]))


def match_label(text: str, threshold: float = 0.6) -> Label | None:
    """The label ``text`` is, or None when it is not clearly one of the form's labels."""
    ranked = _ranked(text)
    if not ranked or ranked[0][0] < threshold:
        return None
    best_score, best = ranked[0]
    if len(ranked) > 1:
        runner_score, runner = ranked[1]
        # Two different items scoring alike ("Physical abuse") is ambiguous: better unmatched.
        if runner.key != best.key and best_score - runner_score < 0.05 and best.kind == "item":
            return None
    return best


def label_strength(text: str) -> float:
    """How closely ``text`` matches its best label (0 to 1)."""
    ranked = _ranked(text)
    return ranked[0][0] if ranked else 0.0
