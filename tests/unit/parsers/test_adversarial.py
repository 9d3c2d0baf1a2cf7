"""The front door against the shared adversarial corpus, generated hostile files and samples.

Every hostile file must come back as a Rejection with the expected reason, in the time a
generous guard allows, and the calling process must still read a normal file afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from pathlib import Path

import pytest

from mast_intake.config.settings import ParseLimits
from mast_intake.models.assessment import Assessment, Rejection
from mast_intake.parsers import legacy, parse_bytes, parse_file, sandbox
from tests.shared_paths import SAMPLES, SHARED
from tests.unit.parsers import builders

CORPUS = SHARED / "corpus" / "adversarial"
LIMITS = ParseLimits()
GUARD_SECONDS = 60  # a generous hang guard, not a speed requirement

# Why each corpus file is refused. Files that are valid but not the form are not_a_risk_tool:
# the readers find no form items in them.
EXPECTED = {
    "docx/gen__billion_laughs.docx": "limits_exceeded",  # DTD refused before parsing
    "docx/gen__docm_disguised_as.docx": "macro_enabled",
    "docx/gen__empty.docx": "corrupt",  # 0 bytes: always corrupt (see sniff.py)
    "docx/gen__external_template_rel.docx": "not_a_risk_tool",  # remote template never fetched
    "docx/gen__huge_text_node_20MiB.docx": "limits_exceeded",
    "docx/gen__macro_enabled.docm": "macro_enabled",
    "docx/gen__minimal_valid.docx": "not_a_risk_tool",
    "docx/gen__missing_main_part.docx": "corrupt",
    "docx/gen__pdf_renamed.docx": "corrupt",  # read as a PDF by content; it is a truncated one
    "docx/gen__strict_ooxml.docx": "not_a_risk_tool",  # ISO Strict: see registry.read_docx
    "docx/gen__truncated.docx": "corrupt",
    "docx/gen__xxe_external_entity.docx": "limits_exceeded",  # DTD refused before parsing
    "docx/gen__zip_path_traversal.docx": "not_a_risk_tool",  # never extracted, name unused
    "docx/msoffcrypto__ecma376standard_password.docx": "encrypted",
    "docx/msoffcrypto__ecma376standard_password_plain.docx": "not_a_risk_tool",
    "docx/msoffcrypto__example_password.docx": "encrypted",
    "docx/msoffcrypto__plain.doc": "legacy_doc",  # with LibreOffice hidden; see test below
    "docx/msoffcrypto__rc4cryptoapi_password.doc": "encrypted",
    "docx/python-docx__comments-rich-para.docx": "not_a_risk_tool",
    "docx/python-docx__doc-no-coreprops.docx": "not_a_risk_tool",
    "docx/python-docx__doc-odd-even-hdrs.docx": "not_a_risk_tool",
    "docx/python-docx__set-no-settings-part.docx": "not_a_risk_tool",
    "docx/python-docx__sty-having-no-styles-part.docx": "not_a_risk_tool",
    "docx/python-docx__tbl-having-tables.docx": "not_a_risk_tool",
    "pdf/gen__count_lies.pdf": "not_a_risk_tool",  # one real page despite /Count
    "pdf/gen__deep_nesting.pdf": "scanned",  # survives the nesting; has no text at all
    "pdf/gen__html_named_pdf.pdf": "unsupported_type",
    "pdf/gen__truncated_half.pdf": "corrupt",
    "pdf/pdfminer__aes-128.pdf": "encrypted",
    "pdf/pdfminer__aes-256-r6.pdf": "encrypted",
    "pdf/pdfminer__aes-256.pdf": "encrypted",
    "pdf/pdfminer__encrypted_doc_no_id.pdf": "encrypted",  # opens, but no text: encrypted
    "pdf/pdfminer__issue-1057-tiff-predictor.pdf": "scanned",
    "pdf/pdfminer__issue-1062-filters.pdf": "not_a_risk_tool",
    "pdf/pdfminer__issue-1113-evil-xobjects.pdf": "not_a_risk_tool",
    "pdf/pdfminer__issue-886-xref-stream-widths.pdf": "not_a_risk_tool",
    "pdf/pdfminer__pdf-with-jbig2.pdf": "scanned",
    "pdf/pdfminer__rc4-128.pdf": "encrypted",
    "pdf/pdfminer__rc4-40.pdf": "encrypted",
    "pdf/pdfminer__zen_of_python_corrupted.pdf": "not_a_risk_tool",  # text partly recovered
    "pdf/pdfplumber__empty.pdf": "corrupt",
    "pdf/pdfplumber__issue-297-example.pdf": "corrupt",  # zero pages
    "pdf/pdfplumber__malformed-from-issue-932.pdf": "not_a_risk_tool",
    "pdf/pdfplumber__password-example.pdf": "encrypted",
    "pdf/pypdf__Seige_of_Vicksburg_Sample_OCR.pdf": "not_a_risk_tool",
    "pdf/pypdf__crazyones-encrypted-256.pdf": "encrypted",
    "pdf/pypdf__encrypted-file.pdf": "encrypted",
    "pdf/pypdf__imagemagick-CCITTFaxDecode.pdf": "scanned",
    "pdf/pypdf__issue-297.pdf": "not_a_risk_tool",
    "pdf/pypdf__libreoffice-writer-password.pdf": "encrypted",
    "pdf/pypdf__r2-user-password.pdf": "encrypted",
    "pdf/pypdf__r4-aes-user-password.pdf": "encrypted",
    # Encrypted, but with an empty password that opens them: readable, so read (not the form).
    "pdf/pypdf__r5-user-password.pdf": "not_a_risk_tool",
    "pdf/pypdf__r6-both-passwords.pdf": "encrypted",
    "pdf/pypdf__r6-owner-password.pdf": "not_a_risk_tool",
}


def corpus_files() -> list[str]:
    return sorted(
        f"{folder}/{path.name}"
        for folder in ("docx", "pdf")
        for path in (CORPUS / folder).iterdir()
        if path.is_file()
    )


@pytest.fixture
def no_soffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)


def assert_still_reads_a_normal_file() -> None:
    result = parse_file(SAMPLES / "sample_00.docx", LIMITS)
    assert isinstance(result, Assessment), getattr(result, "reason", result)


def test_every_corpus_file_has_an_expectation() -> None:
    assert corpus_files() == sorted(EXPECTED)


@pytest.mark.parametrize("relative", corpus_files())
def test_corpus_file_is_rejected_for_the_right_reason(relative: str, no_soffice: None) -> None:
    path = CORPUS / relative
    started = time.monotonic()
    result = parse_file(path, LIMITS)
    elapsed = time.monotonic() - started
    assert isinstance(result, Rejection)
    assert result.reason == EXPECTED[relative], result
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert result.file_name == path.name
    assert elapsed < GUARD_SECONDS


# --- generated hostile files ------------------------------------------------------------------


def test_small_pdf_that_inflates_hugely() -> None:
    data = builders.inflating_pdf(1024)  # 1 GiB of content behind two FlateDecode filters
    assert len(data) < 4096
    result = parse_bytes(data, "bomb.pdf", ParseLimits(memory_mb=512))
    assert isinstance(result, Rejection) and result.reason == "limits_exceeded"
    assert_still_reads_a_normal_file()


def test_small_docx_with_100_mib_part() -> None:
    data = builders.docx_with_big_part(100 * 1024 * 1024)
    assert len(data) < 2 * 1024 * 1024
    result = parse_bytes(data, "big.docx", LIMITS)
    assert isinstance(result, Rejection) and result.reason == "limits_exceeded"
    assert_still_reads_a_normal_file()


def test_pdf_with_20000_pages() -> None:
    result = parse_bytes(builders.text_pdf(pages=20_000), "pages.pdf", LIMITS)
    assert isinstance(result, Rejection) and result.reason == "limits_exceeded"
    assert_still_reads_a_normal_file()


def test_pdf_with_one_page_referenced_20000_times() -> None:
    # Cheap to make; pdfminer visits each page object once, so it is one page (not the form).
    result = parse_bytes(builders.repeated_kids_pdf(20_000), "kids.pdf", LIMITS)
    assert isinstance(result, Rejection) and result.reason == "not_a_risk_tool"
    assert_still_reads_a_normal_file()


def test_pdf_whose_page_tree_points_to_itself() -> None:
    result = parse_bytes(builders.self_referencing_pdf(), "loop.pdf", LIMITS)
    assert isinstance(result, Rejection) and result.reason == "corrupt"
    assert_still_reads_a_normal_file()


@pytest.mark.parametrize("fraction", [0.1, 0.3, 0.5, 0.7, 0.9, 0.99])
def test_truncated_sample_is_corrupt_not_an_exception(fraction: float) -> None:
    data = (SAMPLES / "sample_00.docx").read_bytes()
    result = parse_bytes(data[: int(len(data) * fraction)], "cut.docx", LIMITS)
    assert isinstance(result, Rejection) and result.reason == "corrupt"


# --- front-door contract ----------------------------------------------------------------------


def test_too_large_is_rejected_without_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_run(*_args: object) -> None:
        raise AssertionError("parsed a file over max_file_bytes")

    monkeypatch.setattr(sandbox, "run_isolated", must_not_run)
    data = b"%PDF-1.7\n" + b"0" * 2000
    result = parse_bytes(data, "big.pdf", ParseLimits(max_file_bytes=1000))
    assert result.reason == "too_large"
    assert result.sha256 == hashlib.sha256(data).hexdigest()


def test_parse_file_rejects_oversized_file_by_reading_only_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"0" * 5000)
    result = parse_file(path, ParseLimits(max_file_bytes=1000))
    assert result.reason == "too_large"
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_missing_file_is_a_rejection(tmp_path: Path) -> None:
    assert parse_file(tmp_path / "absent.docx", LIMITS).reason == "corrupt"


def test_name_does_not_choose_the_reader() -> None:
    data = builders.docx({"word/vbaProject.bin": b"placeholder"})
    reasons = {parse_bytes(data, name, LIMITS).reason for name in ("a.docx", "a.pdf", "a.txt", "")}
    assert reasons == {"macro_enabled"}


# --- valid samples: the final behaviour once the readers are in ---------------------------------


def sample_files() -> list[str]:
    return sorted(json.loads((SAMPLES / "expected.json").read_text()))


@pytest.mark.parametrize("name", sample_files())
def test_samples_parse_to_an_assessment(name: str) -> None:
    data = (SAMPLES / name).read_bytes()
    result = parse_bytes(data, name, LIMITS)
    assert isinstance(result, Assessment), getattr(result, "reason", result)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.kind == name.rsplit(".", 1)[1]


# --- legacy .doc ------------------------------------------------------------------------------


def test_doc_without_libreoffice_is_legacy_doc(no_soffice: None) -> None:
    result = parse_file(CORPUS / "docx/msoffcrypto__plain.doc", LIMITS)
    assert result.reason == "legacy_doc"


def test_hanging_converter_is_killed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "fake-soffice"
    fake.write_text("#!/bin/sh\nsleep 30 &\nwait\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(legacy, "soffice_path", lambda: str(fake))
    started = time.monotonic()
    result = parse_file(CORPUS / "docx/msoffcrypto__plain.doc", ParseLimits(timeout_seconds=1.0))
    assert result.reason == "legacy_doc"
    assert time.monotonic() - started < 10


@pytest.mark.skipif(legacy.soffice_path() is None, reason="LibreOffice (soffice) is not installed")
def test_doc_is_converted_with_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    result = parse_file(CORPUS / "docx/msoffcrypto__plain.doc", LIMITS)
    # Converted and read: a plain document, so not the form, and no longer legacy_doc.
    assert isinstance(result, Rejection) and result.reason == "not_a_risk_tool"
    assert os.listdir(tmp_path) == []  # the private work directory is gone
