"""The reader on tools laid out and labelled the ways workers retype them.

A tool pasted into a new document as paragraphs (no item tables), details tables whose labels
are reworded ("Name", "D.O.B.", "Age / D.O.B.", separate "Age" and "Date of birth" rows, a
"Known as" row), an alias in the name box, and a Score column on the right. Each test builds its
own fictional document with python-docx.
"""

from __future__ import annotations

import io
from datetime import date

import docx

from mast_intake.models.assessment import Entry
from mast_intake.models.form import ITEMS, SECTIONS
from mast_intake.parsers.word import parse_docx
from mast_intake.validation import CheckOptions, run_checks

SCORED = {
    "family_domestic_abuse": "Parents separated in 2021 after police were called to a fight (police).",
    "staying_out_late": "Home after her 9pm curfew four times since 20 April; in at 11.45pm on 2 May (mum).",
    "school_exclusion_or_absence": "One-day suspension on 5 May for fighting (school).",
    "drug_alcohol_misuse": "Mum found vape pens and rum in her school bag on 6 May.",
}


def _bytes(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _details_table(document, rows: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value


def _items_as_tables(document, score_right: bool = False) -> None:
    for section in SECTIONS.values():
        document.add_paragraph(section.heading)
        table = document.add_table(rows=0, cols=3 if score_right else 2)
        for key, spec in ITEMS.items():
            if spec.section != section.key:
                continue
            cells = table.add_row().cells
            cells[0].text = spec.label
            if score_right:
                cells[1].text = SCORED.get(key, "")
                cells[2].text = "1" if key in SCORED else "0"
            else:
                cells[1].text = f"1 - {SCORED[key]}" if key in SCORED else "0"


def _tool(details: list[tuple[str, str]], score_right: bool = False) -> bytes:
    document = docx.Document()
    document.add_paragraph("Date/Version: 10/05/2026 v1")
    _details_table(document, details)
    _items_as_tables(document, score_right)
    document.add_paragraph(f"Risk Assessment score: {len(SCORED)}")
    document.add_paragraph("Risk Category: Low")
    document.add_paragraph("Additional professional comments and any additional information not scored")
    document.add_paragraph("I am worried she is being groomed by older lads. Her gran is protective.")
    return _bytes(document)


def _read(data: bytes):
    return parse_docx(data, "tool.docx", "0" * 64)


def test_a_tool_pasted_as_paragraphs_reads_every_score() -> None:
    document = docx.Document()
    document.add_paragraph("Date/Version: 10/05/2026")
    for line in ("Young person: Maisie Thorne", "Date of birth: 9 January 2012", "Age: 14",
                 "Address: 21 Horsefair, Ripon"):
        document.add_paragraph(line)
    for section in SECTIONS.values():
        document.add_paragraph(section.heading)
        document.add_paragraph(section.instruction)
        for key, spec in ITEMS.items():
            if spec.section != section.key:
                continue
            document.add_paragraph(spec.label)
            document.add_paragraph(f"Score: {1 if key in SCORED else 0}")
            if key in SCORED:
                document.add_paragraph(SCORED[key])
                document.add_paragraph("Reported to school the same day.")
    document.add_paragraph(f"Total score: {len(SCORED)}")
    document.add_paragraph("Additional professional comments and any additional information not scored")
    document.add_paragraph("I am worried she is being groomed by older lads. Her gran is protective.")
    record = _read(_bytes(document))
    assert {key: item.score for key, item in record.items.items() if item.score} == dict.fromkeys(SCORED, 1)
    assert record.items["drug_alcohol_misuse"].rationale.startswith("Mum found vape pens")
    assert "Reported to school" in record.items["drug_alcohol_misuse"].rationale
    assert record.computed_total == record.stated_total == len(SCORED)
    assert record.child.name == "Maisie Thorne" and record.child.dob == date(2012, 1, 9)
    assert record.summary.startswith("I am worried")
    codes = {f.code for f in run_checks(record, CheckOptions())}
    assert not codes & {"SCORE_MISMATCH", "MISSING_CHILD_DETAILS", "SCORE_WITHOUT_RATIONALE"}


def test_paragraph_items_with_the_answer_after_a_colon() -> None:
    document = docx.Document()
    document.add_paragraph("Date/Version: 10/05/2026")
    document.add_paragraph("Name: Maisie Thorne")
    document.add_paragraph("DOB: 09/01/2012")
    for key, spec in ITEMS.items():
        answer = f"1 \u2013 {SCORED[key]}" if key in SCORED else "0"
        document.add_paragraph(f"{spec.label}: {answer}")
    record = _read(_bytes(document))
    assert {key for key, item in record.items.items() if item.score} == set(SCORED)
    assert record.items["staying_out_late"].rationale == SCORED["staying_out_late"]


def test_name_and_dotted_dob_labels() -> None:
    record = _read(_tool([("Name", "Harvey Dobbs"), ("D.O.B.", "05.03.12"),
                          ("Home address", "27 Low Street")]))
    assert record.child.name == "Harvey Dobbs" and record.child.dob == date(2012, 3, 5)
    assert record.child.age == 14


def test_separate_age_and_date_of_birth_rows() -> None:
    record = _read(_tool([("Child's name", "Bethan Ridley"), ("Known as", "Beth"), ("Age", "14"),
                          ("Date of Birth", "07/03/2012"), ("Address", "15 Murray Street")]))
    assert record.child.name == "Bethan Ridley" and record.child.dob == date(2012, 3, 7)
    assert record.child.age == 14 and record.child.fields["known_as"] == "Beth"
    assert not [f for f in run_checks(record, CheckOptions()) if f.code == "MISSING_CHILD_DETAILS"]


def test_age_and_dotted_dob_in_one_box() -> None:
    record = _read(_tool([("Name", "Kaiden Jones \u2013 known as KJ"), ("Age / D.O.B.", "15 / 30.11.2010")]))
    assert record.child.name == "Kaiden Jones" and record.child.fields["known_as"] == "KJ"
    assert record.child.dob == date(2010, 11, 30) and record.child.age == 15


def test_the_childs_alias_is_never_read_as_initials() -> None:
    record = _read(_tool([("Name", "Charlie-Jay Ward (goes by CJ)"), ("DOB", "30/11/2010")]))
    record.items["staying_out_late"].entries[:] = [Entry(1, "CJ was out until 1am on 2 May (nan).")]
    assert record.child.name == "Charlie-Jay Ward" and record.child.fields["known_as"] == "CJ"
    assert not [f for f in run_checks(record, CheckOptions()) if f.code == "INITIALS_ONLY"]


def test_a_field_is_missing_only_when_truly_absent() -> None:
    record = _read(_tool([("Name", "Maisie Thorne"), ("Address", "None known")]))
    assert record.child.name == "Maisie Thorne" and record.child.dob is None
    findings = [f for f in run_checks(record, CheckOptions()) if f.code == "MISSING_CHILD_DETAILS"]
    assert len(findings) == 1
    assert findings[0].message.startswith("The child's date of birth is not given")


def test_an_answer_that_mentions_a_label_word_stays_an_answer() -> None:
    record = _read(_tool([("Name", "Maisie Thorne"), ("DOB", "09/01/2012"), ("Known as", "None known")]))
    assert record.child.name == "Maisie Thorne" and record.child.fields.get("known_as") == "None known"


def test_a_score_column_on_the_right() -> None:
    record = _read(_tool([("Name", "Maisie Thorne"), ("DOB", "09/01/2012")], score_right=True))
    assert {key for key, item in record.items.items() if item.score} == set(SCORED)
    entries = record.items["school_exclusion_or_absence"].entries
    assert [e.text for e in entries] == [SCORED["school_exclusion_or_absence"]]
