"""The review copy's package: the original's parts byte for byte, but for the few that carry the comments.

``open_for_comments`` opens the worker's package with python-docx parsing only the two parts
comments touch (the main document and any comments part); every other part (styles, numbering,
settings, headers, images) is held as bytes and never parsed in this process. python-docx
re-serialises every part it saves, so ``repackage`` assembles the output from the original zip:
every part is copied byte for byte except ``word/document.xml`` (the anchors), its
relationships (one more, to the comments part), ``[Content_Types].xml`` (one more override)
and the comments part itself.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import Unmarshaller
from docx.opc.packuri import PackURI
from docx.opc.part import Part, PartFactory
from docx.opc.pkgreader import PackageReader
from docx.package import Package
from lxml import etree

# The parts comments are written into: parsed into python-docx's objects. Nothing else is.
_PARSED = frozenset({RT.OFFICE_DOCUMENT, RT.COMMENTS})


def open_for_comments(original: bytes) -> docx.document.Document:
    """The worker's document as python-docx opens it, with only the parts comments touch parsed.

    Raises what python-docx raises for a package it cannot open, and ValueError when the main
    part is not a Word document's (a template, say), as ``docx.Document`` does.
    """
    package = Package()
    Unmarshaller.unmarshal(PackageReader.from_file(io.BytesIO(original)), package, _part)
    part = package.main_document_part
    if part.content_type != CT.WML_DOCUMENT_MAIN:
        raise ValueError("main part is not a Word document")
    return part.document


def _part(partname: PackURI, content_type: str, reltype: str, blob: bytes, package: Package) -> Part:
    """python-docx's own part class (DocumentPart, CommentsPart) where comments are written;
    a plain part, its bytes unparsed, for every other."""
    kind = PartFactory.part_type_for.get(content_type, Part) if reltype in _PARSED else Part
    return kind.load(partname, content_type, blob, package)


_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


def repackage(original: bytes, document: docx.document.Document) -> bytes:
    """The original package with the document's changed parts and its comments part put in."""
    part = document.part
    comments = part.part_related_by(RT.COMMENTS)
    # Only these parts changed: serialised on their own, not by saving (and compressing) the
    # whole package again.
    rels = part.rels.xml
    changed = {
        part.partname.membername: part.blob,
        part.partname.rels_uri.membername: rels.encode("utf-8") if isinstance(rels, str) else rels,
        comments.partname.membername: comments.blob,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        written = set()
        for info in source.infolist():
            if info.filename in written:
                continue
            if info.filename == "[Content_Types].xml":
                data = _content_types(source.read(info), comments.partname, comments.content_type)
            elif info.filename in changed:
                data = changed[info.filename]
            else:
                data = source.read(info)
            target.writestr(_entry(info.filename, info.date_time), data, compresslevel=_COMPRESS_LEVEL)
            written.add(info.filename)
        for name in sorted(changed.keys() - written):
            target.writestr(_entry(name), changed[name], compresslevel=_COMPRESS_LEVEL)
    return out.getvalue()


# The fastest deflate: a review copy is read once, and level 6 took most of the time to build it.
_COMPRESS_LEVEL = 1


def _entry(name: str, when: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _content_types(data: bytes, partname: str, content_type: str) -> bytes:
    """The original content types, with an override for the comments part when it has none."""
    root = etree.fromstring(data)
    for override in root.iter(f"{{{_CT_NS}}}Override"):
        if override.get("PartName", "").lower() == str(partname).lower():
            return data
    etree.SubElement(root, f"{{{_CT_NS}}}Override", PartName=str(partname), ContentType=content_type)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

