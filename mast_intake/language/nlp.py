"""The spaCy pipeline the checks read text with: blank English, built once per process.

Tokens, sentences and rule-based entities only, so nothing is downloaded and no statistical
model is needed. A deployment may name an installed model; its entities (PERSON...) are kept
and the rule-based ones are added on top.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources

import spacy
from spacy.language import Language
from spacy.tokens import Doc

ACRONYM = "ACRONYM"
VEHICLE_REG = "VEHICLE_REG"

# UK number plates: current "YJ19 KXT", prefix "A123 BCD" and suffix "ABC 123D" styles.
_PLATE_PATTERNS = (
    [{"TEXT": {"REGEX": r"^[A-Z]{2}\d{2}$"}}, {"TEXT": {"REGEX": r"^[A-Z]{3}$"}}],
    [{"TEXT": {"REGEX": r"^[A-Z]\d{1,3}$"}}, {"TEXT": {"REGEX": r"^[A-Z]{3}$"}}],
    [{"TEXT": {"REGEX": r"^[A-Z]{3}$"}}, {"TEXT": {"REGEX": r"^\d{1,3}[A-Z]$"}}],
)


def acronyms() -> frozenset[str]:
    """Acronyms common in safeguarding records, from the packaged list."""
    text = resources.files("mast_intake.language").joinpath("acronyms.txt").read_text()
    return frozenset(
        word for line in text.splitlines() if not line.startswith("#") for word in line.split()
    )


def _ruler_patterns() -> list[dict]:
    patterns: list[dict] = [{"label": VEHICLE_REG, "pattern": p} for p in _PLATE_PATTERNS]
    patterns += [{"label": ACRONYM, "pattern": word} for word in sorted(acronyms())]
    return patterns


@cache
def pipeline(model: str = "") -> Language:
    """The pipeline for ``model`` (an installed spaCy package name), or blank English."""
    if model and spacy.util.is_package(model):
        nlp = spacy.load(model, exclude=["lemmatizer", "textcat"])
    else:
        nlp = spacy.blank("en")
    if not {"parser", "senter", "sentencizer"} & set(nlp.pipe_names):
        nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", name="mast_entities", config={"overwrite_ents": True})
    ruler.add_patterns(_ruler_patterns())
    return nlp


@lru_cache(maxsize=512)
def parse(text: str, model: str = "") -> Doc:
    """``text`` read by the pipeline; repeated reads of the same text within a run are free."""
    return pipeline(model)(text)
