"""Content sniffing: the kind of a file comes from its bytes, never its name."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import olefile
import pytest

from mast_intake.config.settings import ParseLimits
from mast_intake.parsers.rejections import ParseRejected
from mast_intake.parsers.sniff import Kind, Magic, magic, sniff
from tests.shared_paths import SHARED
from tests.unit.parsers import builders

CORPUS = SHARED / "corpus" / "adversarial" / "docx"
LIMITS = ParseLimits()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", Magic.EMPTY),
        (b"%PDF-1.7\n", Magic.PDF),
        (b"\x00" * 1000 + b"%PDF-1.4\n", Magic.PDF),  # junk before the header, within 1 KiB
        (b"\x00" * 1024 + b"%PDF-1.4\n", Magic.OTHER),  # header too late
        (b"PK\x03\x04rest", Magic.ZIP),
        (b"PK\x05\x06" + b"\x00" * 18, Magic.ZIP),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8, Magic.OLE),
        (b"<!doctype html><html><body>fictional</body></html>", Magic.OTHER),
        (b"{\\rtf1\\ansi fictional}", Magic.OTHER),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, Magic.OTHER),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 16, Magic.OTHER),
        (b"plain fictional text", Magic.OTHER),
    ],
)
def test_magic_reads_leading_bytes(data: bytes, expected: Magic) -> None:
    assert magic(data) is expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", Kind.EMPTY),
        (b"<html>named .pdf</html>", Kind.OTHER),
        (b"%PDF-1.4 whatever", Kind.PDF),
    ],
)
def test_sniff_simple_kinds(data: bytes, expected: Kind) -> None:
    assert sniff(data, LIMITS) is expected


def test_docx_is_docx() -> None:
    assert sniff(builders.docx(), LIMITS) is Kind.DOCX


def test_macro_content_type_is_docm() -> None:
    data = builders.docx({"[Content_Types].xml": builders.content_types(builders.MACRO_MAIN_CT)})
    assert sniff(data, LIMITS) is Kind.DOCM


def test_vba_project_part_is_docm_even_with_plain_content_type() -> None:
    data = builders.docx({"word/vbaProject.bin": b"placeholder, not a macro"})
    assert sniff(data, LIMITS) is Kind.DOCM


def test_zip_without_word_main_part_is_not_word() -> None:
    xlsx_types = builders.content_types(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    )
    assert sniff(builders.docx({"[Content_Types].xml": xlsx_types}), LIMITS) is Kind.NOT_WORD
    assert sniff(builders.docx(drop=("[Content_Types].xml",)), LIMITS) is Kind.NOT_WORD


def test_truncated_zip_is_corrupt() -> None:
    data = builders.docx()
    with pytest.raises(ParseRejected) as caught:
        sniff(data[: len(data) // 2], LIMITS)
    assert caught.value.reason == "corrupt"


def test_name_never_matters_pdf_named_docx() -> None:
    assert sniff((CORPUS / "gen__pdf_renamed.docx").read_bytes(), LIMITS) is Kind.PDF


def test_ole_kinds_from_corpus() -> None:
    assert sniff((CORPUS / "msoffcrypto__plain.doc").read_bytes(), LIMITS) is Kind.DOC
    assert sniff((CORPUS / "msoffcrypto__rc4cryptoapi_password.doc").read_bytes(), LIMITS) is Kind.ENCRYPTED
    assert sniff((CORPUS / "msoffcrypto__example_password.docx").read_bytes(), LIMITS) is Kind.ENCRYPTED


def test_fib_encrypted_bit_makes_a_doc_encrypted(tmp_path: Path) -> None:
    copy = tmp_path / "flagged.doc"
    shutil.copyfile(CORPUS / "msoffcrypto__plain.doc", copy)
    with olefile.OleFileIO(str(copy), write_mode=True) as ole:
        stream = bytearray(ole.openstream("WordDocument").read())
        stream[0x0B] |= 0x01  # fEncrypted is bit 8 of the little-endian flags word
        ole.write_stream("WordDocument", bytes(stream))
    assert sniff(copy.read_bytes(), LIMITS) is Kind.ENCRYPTED


def test_garbage_after_ole_signature_is_corrupt() -> None:
    garbage = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 600
    with pytest.raises(ParseRejected) as caught:
        sniff(garbage, LIMITS)
    assert caught.value.reason == "corrupt"


def test_too_many_declared_entries_is_limits_exceeded() -> None:
    data = builders.docx({f"word/media/f{i}.bin": b"x" for i in range(8)})
    with pytest.raises(ParseRejected) as caught:
        sniff(data, ParseLimits(max_zip_entries=5))
    assert caught.value.reason == "limits_exceeded"


def test_zip_sniff_does_not_need_valid_xml() -> None:
    # The content-types part is searched as bytes; a broken XML file must not raise here.
    data = builders.docx({"[Content_Types].xml": builders.content_types() + "<unclosed"})
    assert sniff(data, LIMITS) is Kind.DOCX
    assert zipfile.is_zipfile(io.BytesIO(data))
