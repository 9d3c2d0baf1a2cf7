"""Small, fictional Word packages and PDFs built in memory for the parser front-door tests."""

from __future__ import annotations

import io
import zipfile
import zlib

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
OFFICE_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
WORD_MAIN_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MAIN_CT = "application/vnd.ms-word.document.macroEnabled.main+xml"


def content_types(main_ct: str = WORD_MAIN_CT) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main_ct}"/></Types>'
    )


def package_rels(target: str = "word/document.xml", rel_type: str = OFFICE_DOC_REL,
                 mode: str | None = None) -> str:
    extra = f' TargetMode="{mode}"' if mode else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel_type}" Target="{target}"{extra}/></Relationships>'
    )


def document_xml(text: str = "A fictional test paragraph.") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )


def docx(parts: dict[str, bytes | str] | None = None, *, drop: tuple[str, ...] = (),
         compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A minimal valid .docx, with ``parts`` added or replaced and ``drop`` removed."""
    members: dict[str, bytes | str] = {
        "[Content_Types].xml": content_types(),
        "_rels/.rels": package_rels(),
        "word/document.xml": document_xml(),
    }
    members.update(parts or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as package:
        for name, body in members.items():
            if name not in drop:
                package.writestr(name, body)
    return buffer.getvalue()


def docx_with_big_part(size: int, name: str = "word/document.xml") -> bytes:
    """A .docx whose ``name`` part inflates to ``size`` bytes of well-formed, tag-dense XML."""
    buffer = io.BytesIO()
    unit = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 1024
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", content_types())
        package.writestr("_rels/.rels", package_rels())
        with package.open(name, "w", force_zip64=True) as handle:
            written = 0
            while written < size:
                handle.write(unit)
                written += len(unit)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------------


def pdf(objects: list[bytes], root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF from numbered object bodies (object n is ``objects[n - 1]``), with a correct xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, trailer_extra, xref)
    return bytes(out)


def stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(content), extra) + content + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
_TEXT = b"BT /F1 12 Tf 20 100 Td (A fictional test line.) Tj ET"


def text_pdf(content: bytes = _TEXT, pages: int = 1) -> bytes:
    """A PDF of ``pages`` distinct pages sharing one content stream and font."""
    first_page = 5
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        stream(content),
        _FONT,
    ]
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 3 0 R "
            b"/Resources << /Font << /F1 4 0 R >> >> >>")
    objects.extend([page] * pages)
    return pdf(objects)


def repeated_kids_pdf(count: int) -> bytes:
    """One page object referenced ``count`` times from /Kids, with /Count saying so."""
    kids = b" 3 0 R" * count
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        stream(_TEXT),
        _FONT,
    ])


def self_referencing_pdf() -> bytes:
    """A page tree node whose only kid is itself."""
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
    ])


def _zlib_of_spaces(mib: int) -> bytes:
    """zlib data inflating to ``mib`` MiB of spaces, built in well under a second.

    Each MiB is compressed after a full flush, so every block after the first is identical and
    can be repeated; the checksum is computed separately.
    """
    block = b" " * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    rest = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(mib):
        checksum = zlib.adler32(block, checksum)
    return b"\x78\xda" + first + rest * (mib - 1) + compressor.flush() + checksum.to_bytes(4, "big")


def inflating_pdf(mib: int = 1024) -> bytes:
    """A small PDF whose page content, deflated twice, inflates to ``mib`` MiB."""
    bomb = zlib.compress(_zlib_of_spaces(mib), 9)
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        stream(bomb, b"/Filter [/FlateDecode /FlateDecode] "),
    ])
