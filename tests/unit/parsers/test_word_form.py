"""The production form writer: what the demo, the example tool and a rebuilt copy write reads back.

Every tool here is fictional: the demo's invented children, or the factory's.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import docx

from mast_intake.models.form import DETAILS, ITEMS
from mast_intake.notifier.review_copy_rebuilt import rebuilt_form
from mast_intake.parsers.word import parse_docx
from mast_intake.parsers.word_form import SUMMARY_HEADING, FormDocument, Run
from mast_intake.web.demo import build_tool, demo_tools
from tests.fixtures.factory import base_spec, build_form

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "example-tool.docx"


def test_every_demo_tool_reads_back_as_written() -> None:
    for tool in demo_tools(date(2026, 12, 1)):
        record = parse_docx(build_tool(tool), tool.file_name, "x")
        assert record.child.fields["name"] == tool.name
        assert record.child.dob == tool.dob
        assert record.assessment_date == tool.assessed
        for key, value in tool.details.items():
            assert record.child.fields[key] == value, key
        for key in ITEMS:
            score, text = tool.items.get(key, (0, ""))
            assert (record.items[key].score, record.items[key].rationale) == (score, text), key
        assert record.stated_total_text == tool.stated_total
        assert record.stated_category_text == tool.stated_category
        assert record.summary == tool.summary


def test_the_example_tool_is_the_demo_builders() -> None:
    """examples/example-tool.docx is what scripts/make_example_tool.py writes today."""
    from scripts.make_example_tool import DEMO_TODAY

    built = parse_docx(build_tool(demo_tools(DEMO_TODAY)[0]), "example-tool.docx", "x")
    assert parse_docx(EXAMPLE.read_bytes(), "example-tool.docx", "x") == built


def test_a_rebuilt_record_reads_back_the_same() -> None:
    record = parse_docx(build_form(base_spec()), "tool.pdf", "x")
    back = parse_docx(rebuilt_form(record, "MAST Intake"), "tool.pdf", "x")
    assert back.items == record.items
    assert back.child.fields == record.child.fields
    assert (back.stated_total, back.stated_category, back.summary) == (
        record.stated_total, record.stated_category, record.summary)


def test_form_document_writes_red_runs_and_bold_headers() -> None:
    doc = FormDocument("test form")
    doc.details({key: "" for key in DETAILS})
    doc.section("vulnerability", {"emotional_neglect": ("1", [[Run("1 - words")], [Run("later", "FF0000")]])},
                score_column=True)
    doc.summary(["one", "two"])
    document = docx.Document(io.BytesIO(doc.to_bytes()))
    section = document.tables[1]
    assert section.rows[0].cells[0].paragraphs[0].runs[0].bold
    answer = section.rows[1].cells[2]
    assert [p.text for p in answer.paragraphs] == ["1 - words", "later"]
    assert str(answer.paragraphs[1].runs[0].font.color.rgb) == "FF0000"
    assert document.paragraphs[-1].text == SUMMARY_HEADING
    assert [p.text for p in document.tables[-1].cell(0, 0).paragraphs] == ["one", "two"]
