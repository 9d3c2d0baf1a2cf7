"""Read a risk tool from a Word .docx: the package guarded, then its main part walked.

Only the main document part is parsed, with lxml directly: the form is all in its body, and
opening the whole package through python-docx (styles, numbering, settings, theme, each parsed
into its element classes) cost more than reading the form. The parser takes the same options
python-docx's does (blank text between elements dropped, entities never resolved) and never
reaches the network; the guard (``guards.check_ooxml``) has already refused DTDs, oversized
parts and external main documents. The body is walked by ``parsers.word_walk`` (content
controls and inserted tracked changes count, deleted text and placeholder prompts never do,
red-font runs are kept apart as the worker's dated updates) and the form read from its blocks
by label. A Word template (.dotx) reads as the document it is.
"""

from __future__ import annotations

from lxml import etree

from mast_intake.config.settings import ParseLimits
from mast_intake.models.assessment import Assessment
from mast_intake.parsers import guards
from mast_intake.parsers.extract import extract
from mast_intake.parsers.rejections import ParseRejected
from mast_intake.parsers.word_walk import W, walk_body

_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True,
                          load_dtd=False, huge_tree=False)


def parse_docx(data: bytes, file_name: str, sha256: str, limits: ParseLimits | None = None) -> Assessment:
    """Guard the package, then read its risk tool into a record; raises ParseRejected when it cannot."""
    package = guards.check_ooxml(data, limits or ParseLimits())
    if package.strict:
        # The reader knows transitional OOXML only. The form as issued is transitional; a
        # Strict copy means it was re-saved in an unusual format, and sending the current form
        # again fixes it.
        raise ParseRejected("not_a_risk_tool", "iso strict ooxml package")
    try:
        root = etree.fromstring(package.main_xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ParseRejected("corrupt", type(exc).__name__) from exc
    body = root.find(W + "body") if root.tag == W + "document" else None
    if body is None:
        raise ParseRejected("corrupt", "main part is not a word document body")
    return extract(walk_body(body).blocks, file_name, sha256, "docx")
