"""Real-world files that used to get the wrong reason: each is now read, or refused for the right one.

The files are rebuilt here the way their real counterparts are made (Word for Mac's printer
settings part, an SVG logo, a template, a Word 95 FIB, a spreadsheet with macros, a PDF table
drawn past the page edge), so the tests need nothing but the form builder.
"""

from __future__ import annotations

import io
import zipfile

import pdfplumber
import pytest

from mast_intake.config.settings import ParseLimits
from mast_intake.models.assessment import Assessment, Rejection
from mast_intake.parsers import parse_bytes
from mast_intake.parsers.pdf import _page_blocks
from tests.fixtures.factory import base_spec, build_form
from tests.shared_paths import SHARED, require
from tests.unit.parsers import builders

LIMITS = ParseLimits()
MAC_PLIST = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
             b'"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0"><dict/></plist>\n')
SVG = (b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
       b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
       b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n')


def repackaged(data: bytes, extra: dict[str, bytes], types: str = "",
               replace: tuple[bytes, bytes] = (b"", b"")) -> bytes:
    """``data`` with ``extra`` entries added and ``types`` inserted into its content types."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", types.encode() + b"</Types>")
                if replace[0]:
                    body = body.replace(*replace)
            target.writestr(info.filename, body)
        for name, body in extra.items():
            target.writestr(name, body)
    return out.getvalue()


@pytest.fixture(scope="module")
def tool() -> bytes:
    return build_form(base_spec())


def test_word_for_mac_printer_settings_with_a_doctype_are_not_a_reason_to_refuse(tool: bytes) -> None:
    data = repackaged(tool, {"word/printerSettings/printerSettings1.bin": MAC_PLIST},
                      '<Default Extension="bin" ContentType="application/vnd.openxmlformats-'
                      'officedocument.wordprocessingml.printerSettings"/>')
    assert isinstance(parse_bytes(data, "mac.docx", LIMITS), Assessment)


def test_an_svg_logo_with_a_doctype_is_not_a_reason_to_refuse(tool: bytes) -> None:
    data = repackaged(tool, {"word/media/image9.svg": SVG},
                      '<Default Extension="svg" ContentType="image/svg+xml"/>')
    assert isinstance(parse_bytes(data, "logo.docx", LIMITS), Assessment)


def test_a_doctype_in_a_part_declared_as_xml_is_still_refused(tool: bytes) -> None:
    data = repackaged(tool, {"word/custom.bin": MAC_PLIST},
                      '<Override PartName="/word/custom.bin" ContentType="application/xml"/>')
    outcome = parse_bytes(data, "sly.docx", LIMITS)
    assert isinstance(outcome, Rejection) and outcome.reason == "limits_exceeded"


def test_a_doctype_in_the_content_types_is_refused_by_the_safe_parser(tool: bytes) -> None:
    data = repackaged(tool, {}, replace=(b"<Types", b'<!DOCTYPE t [<!ENTITY a "b">]><Types'))
    outcome = parse_bytes(data, "sly.docx", LIMITS)
    assert isinstance(outcome, Rejection) and outcome.reason == "limits_exceeded"


def test_a_tool_saved_as_a_word_template_is_read(tool: bytes) -> None:
    template = builders.WORD_MAIN_CT.replace("document.main", "template.main").encode()
    data = repackaged(tool, {}, replace=(builders.WORD_MAIN_CT.encode(), template))
    assert template in zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    outcome = parse_bytes(data, "tool.dotx", LIMITS)
    assert isinstance(outcome, Assessment), outcome
    assert outcome.child.name


@pytest.mark.parametrize("main", [
    '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    'wordprocessingml/2006/main"/>',  # no body
    '<?xml version="1.0"?><Workbook xmlns="urn:fictional"><body/></Workbook>',  # not Word's
    '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    'wordprocessingml/2006/main"><w:body>',  # cut short
])
def test_a_main_part_that_is_no_word_body_is_corrupt(main: str) -> None:
    outcome = parse_bytes(builders.docx({"word/document.xml": main}), "odd.docx", LIMITS)
    assert isinstance(outcome, Rejection) and outcome.reason == "corrupt", outcome


def test_word_6_and_95_documents_are_legacy_doc() -> None:
    word97 = require(SHARED / "corpus" / "mail" / "poi-hmef" / "quick-contents__quick.doc").read_bytes()
    # The WordDocument stream starts a sector with the FIB magic; Word 6/95 writes 0xA5DC there.
    offset = next(i for i in range(512, len(word97), 512) if word97[i:i + 2] == b"\xec\xa5")
    word95 = word97[:offset] + b"\xdc\xa5" + word97[offset + 2:]
    outcome = parse_bytes(word95, "old.doc", LIMITS)
    assert isinstance(outcome, Rejection) and outcome.reason == "legacy_doc"


@pytest.mark.parametrize("main", ["application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                                  "application/vnd.ms-excel.sheet.binary.macroEnabled.main"])
def test_spreadsheets_with_macros_are_not_told_about_a_word_file(main: str) -> None:
    data = builders.docx({"[Content_Types].xml": builders.content_types(main).replace(
        "/word/document.xml", "/xl/workbook.xml"), "xl/vbaProject.bin": b"placeholder"})
    outcome = parse_bytes(data, "book.xlsm", LIMITS)
    assert isinstance(outcome, Rejection) and outcome.reason == "unsupported_type"


def _table_past_the_edge_pdf() -> bytes:
    # A ruled two-cell table from x=20 to x=260 on a 200-point-wide page, and text in the page.
    content = (b"0.5 w 20 100 240 40 re S 140 100 m 140 140 l S "
               b"BT /F1 10 Tf 30 120 Td (Inside the table) Tj ET "
               b"BT /F1 10 Tf 30 60 Td (Below the table) Tj ET")
    return builders.text_pdf(content)


def test_a_pdf_table_running_past_the_page_edge_is_read_not_corrupt() -> None:
    with pdfplumber.open(io.BytesIO(_table_past_the_edge_pdf())) as pdf:
        page = pdf.pages[0]
        assert page.find_tables() and page.find_tables()[0].bbox[2] > page.width
        blocks = _page_blocks(page)
    assert blocks
    outcome = parse_bytes(_table_past_the_edge_pdf(), "edge.pdf", LIMITS)
    assert not (isinstance(outcome, Rejection) and outcome.reason == "corrupt")
