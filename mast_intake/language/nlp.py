"""The spaCy pipeline the checks read text with: blank English, built once per process.

Tokens, sentences and rule-based entities only, so nothing is downloaded and no statistical
model is needed. A deployment may name an installed model; its entities (PERSON...) are kept
and the rule-based ones are added on top.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources
from typing import cast

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc

ACRONYM = "ACRONYM"
VEHICLE_REG = "VEHICLE_REG"
POSTCODE = "POSTCODE"
ENTITIES = "mast_entities"  # the pipeline component that adds the labels above

# UK number plates: current "YJ19 KXT", prefix "A123 BCD" and suffix "ABC 123D" styles.
# Token shapes ("XXdd" for "YJ19") are hashed lookups, far cheaper than a regex per token.
_PLATE_PATTERNS = (
    [{"SHAPE": "XXdd"}, {"SHAPE": "XXX"}],
    [{"SHAPE": {"IN": ["Xd", "Xdd", "Xddd"]}}, {"SHAPE": "XXX"}],
    [{"SHAPE": "XXX"}, {"SHAPE": {"IN": ["dX", "ddX", "dddX"]}}],
)
# UK postcodes: "YO61 3BX", "LS1 4AP", "SW1A 1AA".
_POSTCODE_PATTERNS = (
    [{"SHAPE": {"IN": ["Xd", "Xdd", "XXd", "XXdd", "XdX", "XXdX"]}}, {"SHAPE": "dXX"}],
)


def acronyms() -> frozenset[str]:
    """Acronyms common in safeguarding records, from the packaged list."""
    text = resources.files("mast_intake.language").joinpath("acronyms.txt").read_text()
    return frozenset(
        word for line in text.splitlines() if not line.startswith("#") for word in line.split()
    )


def brands() -> tuple[str, ...]:
    """Shops, brands and networks written in capitals ("TK Maxx", "EE"), from the packaged list."""
    text = resources.files("mast_intake.language").joinpath("brands.txt").read_text()
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _ruler_patterns() -> list[dict]:
    patterns: list[dict] = [{"label": VEHICLE_REG, "pattern": p} for p in _PLATE_PATTERNS]
    patterns += [{"label": POSTCODE, "pattern": p} for p in _POSTCODE_PATTERNS]
    patterns += [{"label": ACRONYM, "pattern": word} for word in sorted(acronyms())]
    patterns += [{"label": ACRONYM, "pattern": name} for name in brands()]
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
    # add_pipe is typed as returning any component; "entity_ruler" makes an EntityRuler.
    ruler = cast(EntityRuler, nlp.add_pipe("entity_ruler", name=ENTITIES, config={"overwrite_ents": True}))
    ruler.add_patterns(_ruler_patterns())
    return nlp


@lru_cache(maxsize=512)
def parse(text: str, model: str = "") -> Doc:
    """``text`` as tokens and sentences (and a model's own entities, when one is configured).

    The acronym and number-plate entities are left to ``with_entities``: they cost more than
    the rest of the pipeline together and only the initials check needs them. Repeated reads
    of the same text within a run are free.
    """
    nlp = pipeline(model)
    doc = nlp.make_doc(text)
    for name, component in nlp.pipeline:
        if name != ENTITIES:
            doc = component(doc)
    return doc


def with_entities(doc: Doc, model: str = "") -> Doc:
    """``doc`` with the acronym and number-plate entities added (once)."""
    if not doc.user_data.get(ENTITIES):
        doc = pipeline(model).get_pipe(ENTITIES)(doc)
        doc.user_data[ENTITIES] = True
    return doc
