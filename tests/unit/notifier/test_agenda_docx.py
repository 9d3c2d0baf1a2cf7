"""The Word agenda: opens with python-docx, A4 portrait, cases in order, marked and numbered."""

from __future__ import annotations

import io
from dataclasses import replace

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Mm

from mast_intake.notifier.agenda_docx import MARKING, agenda_filename, build_agenda_docx
from tests.unit.notifier import view_factories as f


def open_docx(view=None):
    """Build the agenda and open it again with python-docx."""
    return Document(io.BytesIO(build_agenda_docx(view or f.agenda())))


def all_text(document) -> str:
    """Every paragraph and table cell, in document order."""
    parts = []
    body = document.element.body
    for element in body.iterchildren():
        parts.append("".join(t.text or "" for t in element.iter() if t.tag.endswith("}t")))
    return "\n".join(parts)


def test_opens_and_is_a4_portrait():
    document = open_docx()
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert abs(section.page_width - Mm(210)) < Mm(1)
    assert abs(section.page_height - Mm(297)) < Mm(1)


def test_heading_has_meeting_date_and_time():
    text = all_text(open_docx())
    assert "MAST CSE meeting agenda" in text
    assert "Monday 4 May 2026 at 09:30" in text


def test_each_case_appears_in_order():
    document = open_docx()
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 3"]
    assert [h.split(": ")[0] for h in headings] == ["1. H-NEW", "2. H-REV", "3. M-NEW", "4. L-REV"]
    band_headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert band_headings == ["At a glance", "HIGH (2)", "MEDIUM (1)", "LOW (1)"]


def test_case_tables_carry_scores_findings_and_prompts_in_words():
    text = all_text(open_docx())
    assert "DIFFERS FROM THE TOOL" in text
    assert "[MUST FIX] TOTAL_MISMATCH" in text
    assert "AWAITING CORRECTION" in text
    assert "National Referral Mechanism" in text
    assert "Up from 14 (medium) to 20 (high); previous tool 2026-03-01, 64 days earlier" in text
    assert "Selby Children and Families" in text
    assert "Carried over" in text


def test_glance_table_lists_cases_in_order_with_repeating_header():
    document = open_docx()
    glance = document.tables[0]
    assert [c.text for c in glance.rows[0].cells][:3] == ["No.", "Reference", "Child"]
    assert [r.cells[1].text for r in glance.rows[1:]] == ["H-NEW", "H-REV", "M-NEW", "L-REV"]
    assert glance.rows[0]._tr.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader"
    ) is not None
    assert len(document.tables) == 1 + 4


def test_rows_do_not_split_and_headings_keep_with_next():
    document = open_docx()
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for table in document.tables:
        for row in table.rows:
            assert row._tr.trPr.find(f"{ns}cantSplit") is not None
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading"):
            assert paragraph.style.paragraph_format.keep_with_next


def test_footer_marking_and_page_numbers():
    document = open_docx()
    section = document.sections[0]
    footer_xml = section.footer._element.xml
    assert MARKING in footer_xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    assert MARKING in section.header._element.xml


def test_metadata_has_no_child_data():
    document = open_docx()
    props = document.core_properties
    assert props.author == "MAST Intake"
    for value in (props.title, props.subject, props.keywords, props.comments):
        assert "Child" not in value


def test_names_with_markup_characters_are_kept_as_text():
    agenda = f.agenda()
    nasty = replace(agenda.cases[0], child_name="Amy & <Jo>")
    document = open_docx(replace(agenda, cases=(nasty,)))
    assert "Amy & <Jo>" in all_text(document)


def test_empty_agenda():
    document = open_docx(f.agenda(cases=()))
    assert "No risk tools are waiting" in all_text(document)
    assert agenda_filename(f.agenda()) == "MAST-CSE-agenda-2026-05-04-0930.docx"
