"""The PDF reader gives the same record as the Word reader for a tool saved as PDF.

Generated tools are converted with LibreOffice (``soffice --headless``, a throwaway profile); the
tests skip only when soffice is not on PATH. Tools with tracked changes are left out: LibreOffice
prints the markup (deleted text struck through), as Word does when "Show markup" is on, so the
PDF itself still says the deleted words. The shared sample PDFs are read against expected.json.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from mast_intake.models.assessment import Assessment
from mast_intake.parsers.pdf import parse_pdf
from tests.fixtures.factory import ExpectedRecord
from tests.unit.parsers.test_word_layouts import SAMPLES, VARIANTS, _samples, check_sample, make

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# LibreOffice prints tracked changes with their markup, so these PDFs really say the deleted text.
MARKUP_SHOWN = {"tracked_changes", "tracked_changes_score_column", "runs_split_with_proofing_marks",
                "kitchen_sink"}
PDF_VARIANTS = [name for name in VARIANTS if name not in MARKUP_SHOWN]
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bytes, ExpectedRecord]]:
    """Every PDF variant built as .docx and converted in one soffice run."""
    work = tmp_path_factory.mktemp("pdf")
    expected: dict[str, ExpectedRecord] = {}
    for name in PDF_VARIANTS:
        data, expected[name] = make(name)
        (work / f"{name}.docx").write_bytes(data)
    profile = (work / "profile").as_uri()
    subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile}",
         "--convert-to", "pdf", "--outdir", str(work / "out"),
         *(str(work / f"{name}.docx") for name in PDF_VARIANTS)],
        check=True, capture_output=True, timeout=300,
    )
    return {name: ((work / "out" / f"{name}.pdf").read_bytes(), expected[name]) for name in PDF_VARIANTS}


_PARSED: dict[str, Assessment] = {}


def parse(data: bytes, name: str) -> Assessment:
    """parse_pdf, once per file for the whole module (both tests read each generated PDF)."""
    digest = hashlib.sha256(data).hexdigest()
    if digest not in _PARSED:
        _PARSED[digest] = parse_pdf(data, name, digest, 60)
    return _PARSED[digest]


def _flat(text: str) -> str:
    """Text with PDF line wrapping undone."""
    return " ".join(text.split())


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize("variant", PDF_VARIANTS)
def test_pdf_gives_the_same_scores(variant: str, converted: dict[str, tuple[bytes, ExpectedRecord]]) -> None:
    data, expected = converted[variant]
    record = parse(data, f"{variant}.pdf")
    assert record.kind == "pdf"
    assert record.child.name == expected.name
    assert record.child.dob == expected.dob
    assert record.assessment_date == expected.assessment_date
    assert {key: item.score for key, item in record.items.items()} == {
        key: item.score for key, item in expected.items.items()
    }
    assert record.stated_total == expected.stated_total
    assert record.stated_category == expected.stated_category
    assert record.computed_total == expected.computed_total
    assert record.computed_category == expected.computed_category


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize("variant", PDF_VARIANTS)
def test_pdf_gives_the_same_text(variant: str, converted: dict[str, tuple[bytes, ExpectedRecord]]) -> None:
    """Rationale, updates and summary as in Word, once PDF line wrapping is undone."""
    data, expected = converted[variant]
    record = parse(data, f"{variant}.pdf")
    assert {key: _flat(item.rationale) for key, item in record.items.items()} == {
        key: _flat(item.rationale) for key, item in expected.items.items()
    }
    assert {key: [(u.date, _flat(u.text)) for u in item.updates] for key, item in record.items.items()} == {
        key: [(u.date, _flat(u.text)) for u in item.updates] for key, item in expected.items.items()
    }
    assert _flat(record.summary) == _flat(expected.summary)


@pytest.mark.skipif(not _samples("pdf"), reason=f"no sample PDFs in {SAMPLES}")
@pytest.mark.parametrize("path", _samples("pdf"), ids=lambda p: p.name)
def test_shared_sample_pdf(path: Path) -> None:
    want = json.loads((SAMPLES / "expected.json").read_text())[path.name]
    data = path.read_bytes()
    check_sample(parse(data, path.name), want)
