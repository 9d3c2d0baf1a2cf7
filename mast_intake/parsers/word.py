"""Read a risk tool from a Word .docx with python-docx.

python-docx opens the package (it never follows external relationships such as a remote
template); the body is then walked by ``parsers.word_walk`` (content controls and inserted
tracked changes count, deleted text and placeholder prompts never do, red-font runs are kept
apart as the worker's dated updates) and the form read from its blocks by label.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from mast_intake.models.assessment import Assessment
from mast_intake.parsers.extract import extract
from mast_intake.parsers.rejections import ParseRejected
from mast_intake.parsers.word_walk import walk_body


def parse_docx(data: bytes, file_name: str, sha256: str) -> Assessment:
    """Read a .docx risk tool into a record; raises ParseRejected when it cannot."""
    try:
        document = docx.Document(io.BytesIO(_as_document(data)))
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise ParseRejected("corrupt", type(exc).__name__) from exc
    return extract(walk_body(document.element.body).blocks, file_name, sha256, "docx")


_TEMPLATE_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _as_document(data: bytes) -> bytes:
    """A Word template (.dotx) as a document: the same form, saved as a template by mistake.

    python-docx opens only the document content type, so the package's content-types part is
    rewritten in memory; nothing else in the package changes.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        try:
            content_types = package.read("[Content_Types].xml")
        except KeyError:
            return data
        if _TEMPLATE_MAIN not in content_types:
            return data
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rebuilt:
            for info in package.infolist():
                body = package.read(info)
                if info.filename == "[Content_Types].xml":
                    body = body.replace(_TEMPLATE_MAIN, _DOCUMENT_MAIN)
                rebuilt.writestr(info, body)
    return out.getvalue()
