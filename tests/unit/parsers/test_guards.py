"""Package guards for .docx and the PDF pre-check, called in-process on generated files."""

from __future__ import annotations

import io
import socket
import struct
import warnings
import zipfile

import pytest

from mast_intake.config.settings import ParseLimits
from mast_intake.parsers import guards, registry, zipsafe
from mast_intake.parsers.rejections import ParseRejected
from tests.unit.parsers import builders

LIMITS = ParseLimits()


def reason_of(func, *args) -> str:
    with pytest.raises(ParseRejected) as caught:
        func(*args)
    return caught.value.reason


# --- OOXML ------------------------------------------------------------------------------------


def test_minimal_package_passes_and_names_main_part() -> None:
    facts = guards.check_ooxml(builders.docx(), LIMITS)
    assert facts.main_part == "word/document.xml"
    assert not facts.strict
    assert facts.entries == 3


def test_entry_count_is_capped() -> None:
    data = builders.docx({f"word/media/image{i}.png": b"fictional" for i in range(10)})
    assert reason_of(guards.check_ooxml, data, ParseLimits(max_zip_entries=5)) == "limits_exceeded"


def test_part_size_is_measured_by_inflating() -> None:
    data = builders.docx({"word/media/big.bin": b"\x00" * 200_000})
    assert len(data) < 10_000
    assert reason_of(guards.check_ooxml, data, ParseLimits(max_part_bytes=100_000)) == "limits_exceeded"


def test_total_inflated_size_is_capped() -> None:
    data = builders.docx({f"word/media/p{i}.bin": b"\x00" * 60_000 for i in range(4)})
    limits = ParseLimits(max_part_bytes=100_000, max_total_uncompressed_bytes=150_000)
    assert reason_of(guards.check_ooxml, data, limits) == "limits_exceeded"


def _patch_central_sizes(data: bytes, name: bytes, size: int) -> bytes:
    """Rewrite the declared uncompressed size of ``name`` in both headers (a lying package)."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = 0
        while (start := out.find(signature, start)) >= 0:
            name_at = start + (46 if signature == b"PK\x01\x02" else 30)
            if out[name_at:name_at + len(name)] == name:
                struct.pack_into("<I", out, start + offset, size)
            start += 4
    return bytes(out)


def test_declared_sizes_are_not_trusted() -> None:
    data = builders.docx({"word/media/big.bin": b"\x00" * 500_000})
    lying = _patch_central_sizes(data, b"word/media/big.bin", 10)
    # Either the real size trips the limit or the stream fails its checks: never accepted.
    assert reason_of(guards.check_ooxml, lying, ParseLimits(max_part_bytes=100_000)) in {
        "limits_exceeded", "corrupt"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be"])
def test_any_dtd_is_refused(encoding: str) -> None:
    body = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "fictional">]>'
            + builders.document_xml().split("?>", 1)[1]).encode(encoding)
    data = builders.docx({"word/document.xml": body})
    assert reason_of(guards.check_ooxml, data, LIMITS) == "limits_exceeded"


def test_dtd_split_across_read_chunks_is_found() -> None:
    padding = "<!-- " + "x" * (zipsafe.CHUNK - 9) + " -->"
    body = padding + '<!DOCTYPE d SYSTEM "file:///nonexistent">' + builders.document_xml()
    data = builders.docx({"word/settings.xml": body})
    assert reason_of(guards.check_ooxml, data, LIMITS) == "limits_exceeded"


def test_text_run_longer_than_libxml2_accepts_is_refused() -> None:
    body = builders.document_xml("y" * (guards.MAX_TEXT_RUN + 10))
    assert reason_of(guards.check_ooxml, builders.docx({"word/document.xml": body}), LIMITS) == (
        "limits_exceeded")


def test_vba_relationship_is_macro_enabled() -> None:
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId9" Type="http://schemas.microsoft.com/office/'
            '2006/relationships/vbaProject" Target="extra.bin"/></Relationships>')
    data = builders.docx({"word/_rels/document.xml.rels": rels, "word/extra.bin": b"placeholder"})
    assert reason_of(guards.check_ooxml, data, LIMITS) == "macro_enabled"


@pytest.mark.parametrize(
    "parts, drop",
    [
        ({}, ("_rels/.rels",)),
        ({}, ("word/document.xml",)),
        ({"_rels/.rels": builders.package_rels(target="../../etc/hostname")}, ()),
        ({"_rels/.rels": builders.package_rels(target="http://example.invalid/d.xml", mode="External")}, ()),
        ({"_rels/.rels": builders.package_rels(rel_type="http://example.invalid/other")}, ()),
        ({"_rels/.rels": "<Relationships"}, ()),
    ],
    ids=["no-rels", "no-main-part", "escaping-target", "external-main", "no-office-rel", "bad-xml"],
)
def test_unresolvable_main_part_is_corrupt(parts: dict, drop: tuple) -> None:
    assert reason_of(guards.check_ooxml, builders.docx(parts, drop=drop), LIMITS) == "corrupt"


def test_main_part_with_leading_slash_resolves() -> None:
    data = builders.docx({"_rels/.rels": builders.package_rels(target="/word/document.xml")})
    assert guards.check_ooxml(data, LIMITS).main_part == "word/document.xml"


def test_strict_package_is_flagged_and_not_read() -> None:
    strict_rel = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
    data = builders.docx({"_rels/.rels": builders.package_rels(rel_type=strict_rel)})
    assert guards.check_ooxml(data, LIMITS).strict
    assert reason_of(registry.read_docx, data, "f.docx", "0" * 64, LIMITS) == "not_a_risk_tool"


@pytest.mark.parametrize("second_name", ["word/document.xml", "Word/Document.xml"])
def test_duplicate_entries_are_corrupt(second_name: str) -> None:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as package:
        warnings.simplefilter("ignore")  # zipfile warns about the exact duplicate we want
        package.writestr("word/document.xml", builders.document_xml())
        package.writestr(second_name, builders.document_xml("other"))
    assert reason_of(zipsafe.open_package, buffer.getvalue(), LIMITS) == "corrupt"


def test_unusual_compression_is_corrupt() -> None:
    data = builders.docx(compression=zipfile.ZIP_BZIP2)
    assert reason_of(guards.check_ooxml, data, LIMITS) == "corrupt"


def test_zip_encrypted_entry_is_encrypted() -> None:
    data = bytearray(builders.docx())
    start = data.find(b"PK\x01\x02")
    data[start + 8] |= 0x01  # general purpose flag bit 0: entry is encrypted
    assert reason_of(guards.check_ooxml, bytes(data), LIMITS) == "encrypted"


def test_external_relationships_are_never_followed(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*_args, **_kwargs):
        raise AssertionError("network use while reading a package")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/attachedTemplate" '
            'Target="http://example.invalid/template.dotm" TargetMode="External"/></Relationships>')
    data = builders.docx({"word/_rels/document.xml.rels": rels})
    guards.check_ooxml(data, LIMITS)
    # The whole in-child path (guard and Word reader) run here in-process, network blocked.
    assert reason_of(registry.read_any, data, "f.docx", "0" * 64, LIMITS) == "not_a_risk_tool"


# --- PDF --------------------------------------------------------------------------------------


def test_text_pdf_passes_precheck() -> None:
    facts = guards.pdf_precheck(builders.text_pdf(pages=3), LIMITS)
    assert facts.pages == 3
    assert not facts.encrypted


def test_pages_are_counted_not_read_from_count() -> None:
    assert reason_of(guards.pdf_precheck, builders.text_pdf(pages=61), LIMITS) == "limits_exceeded"
    assert guards.pdf_precheck(builders.text_pdf(pages=60), LIMITS).pages == 60


def test_repeated_page_reference_counts_once() -> None:
    assert guards.pdf_precheck(builders.repeated_kids_pdf(500), LIMITS).pages == 1


def test_no_text_layer_is_scanned() -> None:
    image_only = builders.text_pdf(content=b"q 100 0 0 100 0 0 cm Q")
    assert reason_of(guards.pdf_precheck, image_only, LIMITS) == "scanned"


def test_self_referencing_tree_and_empty_tree_are_corrupt() -> None:
    assert reason_of(guards.pdf_precheck, builders.self_referencing_pdf(), LIMITS) == "corrupt"
    empty = builders.pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])
    assert reason_of(guards.pdf_precheck, empty, LIMITS) == "corrupt"


def test_truncated_and_garbage_pdf_are_corrupt() -> None:
    data = builders.text_pdf()
    assert reason_of(guards.pdf_precheck, data[: len(data) // 3], LIMITS) == "corrupt"
    assert reason_of(guards.pdf_precheck, b"%PDF-1.7\n" + b"\x00" * 100, LIMITS) == "corrupt"
