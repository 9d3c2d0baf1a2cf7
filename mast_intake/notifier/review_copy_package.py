"""The review copy's package: the original's parts byte for byte, but for the few that carry the comments.

python-docx re-serialises every part it saves, so the output package is assembled from the
original zip: every part is copied byte for byte except ``word/document.xml`` (the anchors),
its relationships (one more, to the comments part), ``[Content_Types].xml`` (one more
override) and the comments part itself.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

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

