"""The Word reader reads every layout of the risk tool workers send into the same exact record.

Each case builds its own fictional tool in memory with ``tests.fixtures.factory`` and checks the
whole record: the child's details, the assessment date, all 29 items (score as written, rationale
without the score marker, red-font updates with their dates), the stated and computed totals and
categories, and the summary. A last test reads the shared sample files against expected.json.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import pytest

from mast_intake.models.assessment import Assessment, Update
from mast_intake.models.form import ITEMS
from mast_intake.parsers.word import parse_docx
from tests.fixtures.factory import (
    ExpectedRecord,
    FormSpec,
    ItemAnswer,
    RedUpdate,
    base_spec,
    build_form,
    expected_record,
    with_answers,
    with_layout,
    with_stated,
)
from tests.shared_paths import SAMPLES

A = ItemAnswer


# --------------------------------------------------------------------------------------------
# Variants: each a function of the base tool.
# --------------------------------------------------------------------------------------------


def _everything_scored(spec: FormSpec) -> FormSpec:
    """High risk: every item scored 1 in turn with each marker style."""
    markers = ("bare", "space_dash", "dash", "score_colon")
    answers = {
        key: A(1, f"Statement {n} about Idris Fenwick for {key.replace('_', ' ')}.", markers[n % 4])
        for n, key in enumerate(ITEMS)
    }
    return with_stated(replace(spec, name="Idris Fenwick", answers=answers))


def _all_blank(spec: FormSpec) -> FormSpec:
    """Low risk: a new tool with only three items answered, the rest left blank."""
    answers = {
        "family_mental_health": A(1, "Father has long-term depression; source: GP letter 02/09/2026."),
        "staying_out_late": A(0, "Home on time every night according to her carer.", "space_dash"),
        "failing_to_engage": A(1, "Missed two planned visits in October.", "dash"),
    }
    return with_stated(replace(spec, answers=answers))


def _score_markers(spec: FormSpec) -> FormSpec:
    """Every way a score is written: 1, 1 -, 1-, Score 1:, 0, a score on its own line, none."""
    return with_answers(
        spec,
        physical_abuse_by_family=A(1, "Bruise to the cheek seen by teacher on 22/09/2026.", "own_line"),
        sexual_abuse_by_family=A(0, "No concerns.", "score_colon"),
        no_protective_adult=A(None, "Grandmother visits weekly and is a steady adult.", "none"),
        expressions_of_despair=A(0, "No self-harm known.", "dash"),
        sti_or_contraception=A(0, "Not known to the clinic.", "space_dash"),
    )


def _multiple_entries(spec: FormSpec) -> FormSpec:
    """Several scored statements in one cell, each starting "1-": the score as written adds up."""
    return with_answers(
        spec,
        missing_overnight=A(
            1, "Missing 11/10/2026 overnight, found at Coldharbour Street at 07:40.", "dash",
            more=((1, "Missing 02/10/2026 from 19:00, returned by police from Harrowfield at 06:00."),),
        ),
        frequenting_cse_areas=A(
            1, "Seen at the bus interchange late at night on 05/10/2026.", "dash",
            more=((1, "Seen at the arcade on Pier Walk with older males on 09/10/2026."),
                  (1, "Seen at the same arcade again on 12/10/2026.")),
        ),
    )


def _continued_answer(spec: FormSpec) -> FormSpec:
    """An answer running over two paragraphs of one cell."""
    return with_answers(
        spec,
        controlling_relationship=replace(
            spec.answers["controlling_relationship"],
            continuation="Police are aware and a disruption notice is being considered.",
        ),
    )


def _merged_labels(spec: FormSpec, sections: str = "two_col") -> FormSpec:
    """Label cells merged down over two rows, the answer split between the rows."""
    spec = with_answers(
        spec,
        isolated_from_peers=replace(
            spec.answers["isolated_from_peers"], continuation="Her tutor will review this after half term."
        ),
        mobile_phone_use=replace(
            spec.answers["mobile_phone_use"], continuation="The phone has since been handed to police."
        ),
        vehicles_unknown_adults=replace(
            spec.answers["vehicles_unknown_adults"], continuation="Registration passed to police 09/10/2026."
        ),
    )
    merged = frozenset({"isolated_from_peers", "mobile_phone_use", "vehicles_unknown_adults"})
    return with_layout(spec, merged_labels=merged, sections=sections)


def _content_controls(spec: FormSpec) -> FormSpec:
    """Answers typed into block- and run-level content controls and legacy form fields; empty
    controls still showing their placeholder text."""
    answers = dict(spec.answers)
    controls = ("block", "run", "formfield")
    for n, key in enumerate(ITEMS):
        answer = answers.get(key, A())
        if answer.score is None and not answer.text:
            answers[key] = replace(answer, control="placeholder")
        else:
            answers[key] = replace(answer, control=controls[n % 3])
    spec = with_stated(replace(spec, answers=answers))
    return with_layout(spec, details_control="run", date_control=True)


def _details_in_form_fields(spec: FormSpec) -> FormSpec:
    return with_layout(spec, details_control="formfield", details="two_col", name_label="single")


def _details_in_block_controls(spec: FormSpec) -> FormSpec:
    return with_layout(spec, details_control="block", name_label="merged")


def _tracked_changes(spec: FormSpec) -> FormSpec:
    """Inserted text counts, deleted text never does: a score changed 0 -> 1, sentences removed."""
    return with_answers(
        spec,
        staying_out_late=replace(spec.answers["staying_out_late"], score_was=0),
        drug_alcohol_misuse=A(1, "Found drunk at the skate park on 07/10/2026.", "bare", score_was=0,
                              inserted=" Taken home by police."),
        peers_involved_in_cse=replace(
            spec.answers["peers_involved_in_cse"], deleted=" Her cousin Briony is also open to the team."
        ),
        family_domestic_abuse=A(0, "No incidents known.", "bare",
                                deleted=" Police attended one incident at the address in 2019.",
                                inserted=" Checked with police 10/10/2026."),
        physical_abuse_in_relationship=A(0, "No injuries seen.", "space_dash", score_was=1),
    )


def _tracked_changes_score_column(spec: FormSpec) -> FormSpec:
    return with_layout(_tracked_changes(spec), sections="score_col", first_section="score_col")


def _red_updates(spec: FormSpec) -> FormSpec:
    """Dated updates in red font: kept apart from the rationale, with their dates."""
    return with_answers(
        spec,
        missing_overnight=replace(
            spec.answers["missing_overnight"],
            updates=(RedUpdate(date(2026, 11, 15), "No further missing episodes since the last review."),),
        ),
        mobile_phone_use=replace(
            spec.answers["mobile_phone_use"],
            updates=(RedUpdate(date(2026, 10, 12), "Second phone handed in to police.", "paren"),
                     RedUpdate(date(2026, 11, 2), "Mother checks the phone weekly.", color="C00000")),
        ),
        isolated_from_peers=replace(
            spec.answers["isolated_from_peers"],
            updates=(RedUpdate(date(2026, 11, 3), "Back at netball twice this month.", "inline"),),
        ),
        school_exclusion_or_absence=replace(
            spec.answers["school_exclusion_or_absence"],
            updates=(RedUpdate(date(2026, 11, 14), "Attendance up to 88% this month.", color="E30613"),),
        ),
        frequenting_cse_areas=A(
            None, "", updates=(RedUpdate(date(2026, 11, 9), "Not seen in the town centre since October.",
                                         "bare_date"),),
        ),
    )


def _red_updates_score_column(spec: FormSpec) -> FormSpec:
    return with_layout(_red_updates(spec), sections="score_col")


def _stated_written_out(spec: FormSpec) -> FormSpec:
    return with_stated(spec, total_text="Score: 12", category_text="medium risk")


def _stated_miscounted(spec: FormSpec) -> FormSpec:
    """The worker added up wrongly: the stated figures are kept as written, not corrected."""
    return with_stated(spec, total_text="10", category_text="Low", stated_total=10, stated_category="low")


def _age_written_out(spec: FormSpec) -> FormSpec:
    return replace(spec, age_dob_text="15 years, DOB 04/02/2011", date_version_text="14/10/2026 v2")


VARIANTS: dict[str, Callable[[FormSpec], FormSpec]] = {
    "printed_form": lambda s: s,
    "name_merged_over_two_rows": lambda s: with_layout(s, name_label="merged"),
    "name_single_row": lambda s: with_layout(s, name_label="single"),
    "name_label_broken_over_two_rows": lambda s: with_layout(s, name_label="split_rows"),
    "name_label_broken_value_in_second_row": lambda s: with_layout(s, name_label="split_rows_value_second"),
    "name_label_two_lines_in_one_cell": lambda s: with_layout(s, name_label="two_lines"),
    "details_two_columns": lambda s: with_layout(s, details="two_col", name_label="single"),
    "details_two_columns_name_merged": lambda s: with_layout(s, details="two_col", name_label="merged"),
    "details_two_columns_name_broken": lambda s: with_layout(s, details="two_col", name_label="split_rows"),
    "score_column": lambda s: with_layout(s, sections="score_col"),
    "score_column_everywhere": lambda s: with_layout(s, sections="score_col", first_section="score_col"),
    "first_section_two_columns": lambda s: with_layout(s, first_section="two_col"),
    "single_table": lambda s: with_layout(s, single_table=True),
    "single_table_score_column": lambda s: with_layout(s, single_table=True, sections="score_col"),
    "no_header_rows": lambda s: with_layout(s, header_rows=False),
    "blank_rows": lambda s: with_layout(s, blank_rows=True),
    "blank_rows_single_table": lambda s: with_layout(s, blank_rows=True, single_table=True),
    "items_reversed": lambda s: with_layout(s, order="reversed"),
    "items_shuffled": lambda s: with_layout(s, order="shuffled", sections="score_col"),
    "labels_reworded": lambda s: with_layout(s, reworded_labels=True),
    "labels_reworded_score_column": lambda s: with_layout(s, reworded_labels=True, sections="score_col"),
    "everything_scored": _everything_scored,
    "mostly_blank": _all_blank,
    "score_markers": _score_markers,
    "multiple_entries": _multiple_entries,
    "answer_over_two_paragraphs": _continued_answer,
    "merged_labels": _merged_labels,
    "merged_labels_score_column": lambda s: _merged_labels(s, sections="score_col"),
    "merged_labels_single_table": lambda s: with_layout(_merged_labels(s), single_table=True),
    "content_controls": _content_controls,
    "content_controls_score_column": lambda s: with_layout(_content_controls(s), sections="score_col"),
    "details_in_form_fields": _details_in_form_fields,
    "details_in_block_controls": _details_in_block_controls,
    "tracked_changes": _tracked_changes,
    "tracked_changes_score_column": _tracked_changes_score_column,
    "red_updates": _red_updates,
    "red_updates_score_column": _red_updates_score_column,
    "stated_written_out": _stated_written_out,
    "stated_miscounted": _stated_miscounted,
    "score_table_two_rows": lambda s: with_layout(s, score_table="rows"),
    "score_as_paragraphs": lambda s: with_layout(s, score_table="paragraphs"),
    "summary_as_paragraphs": lambda s: with_layout(s, summary="paragraphs"),
    "age_written_out": _age_written_out,
    "cell_content_controls": lambda s: with_layout(s, cell_controls=True),
    "cell_content_controls_score_column": lambda s: with_layout(s, cell_controls=True, sections="score_col"),
    "runs_split_with_proofing_marks": lambda s: with_layout(
        _red_updates(_tracked_changes(s)), run_noise=True
    ),
    "kitchen_sink": lambda s: with_layout(
        _red_updates(_tracked_changes(_multiple_entries(_stated_written_out(s)))),
        reworded_labels=True, order="shuffled", blank_rows=True, details="two_col",
        name_label="merged", summary="paragraphs", score_table="rows",
    ),
}


def make(variant: str) -> tuple[bytes, ExpectedRecord]:
    spec = VARIANTS[variant](base_spec())
    return build_form(spec), expected_record(spec)


def parse(data: bytes, name: str = "tool.docx") -> Assessment:
    return parse_docx(data, name, hashlib.sha256(data).hexdigest())


def items_of(record: Assessment) -> dict[str, tuple[int, str, list[Update]]]:
    return {key: (item.score, item.rationale, item.updates) for key, item in record.items.items()}


def expected_items(expected: ExpectedRecord) -> dict[str, tuple[int, str, list[Update]]]:
    return {key: (item.score, item.rationale, item.updates) for key, item in expected.items.items()}


def assert_matches(record: Assessment, expected: ExpectedRecord) -> None:
    """The whole record, field by field (items compared as one dict for a readable diff)."""
    assert record.child.name == expected.name
    assert record.child.dob == expected.dob
    assert record.child.age == expected.age
    assert record.child.fields == expected.fields
    assert record.assessment_date == expected.assessment_date
    assert list(record.items) == list(ITEMS)
    assert items_of(record) == expected_items(expected)
    assert all(item.found for item in record.items.values())
    assert record.stated_total == expected.stated_total
    assert record.stated_category == expected.stated_category
    assert record.summary == expected.summary
    assert record.computed_total == expected.computed_total
    assert record.computed_category == expected.computed_category


# --------------------------------------------------------------------------------------------
# Tests.
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_generated_document_is_a_valid_docx(variant: str) -> None:
    """The factory's output opens in python-docx with the tables the layout asks for."""
    data, _ = make(variant)
    document = docx.Document(io.BytesIO(data))
    assert document.tables
    assert all(table.style is not None and table.style.name == "Table Grid" for table in document.tables)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_reads_layout(variant: str) -> None:
    data, expected = make(variant)
    record = parse(data, f"{variant}.docx")
    assert record.kind == "docx"
    assert record.file_name == f"{variant}.docx"
    assert_matches(record, expected)


def test_blank_cell_is_score_zero_with_no_rationale() -> None:
    data, _ = make("printed_form")
    record = parse(data)
    item = record.items["sexual_abuse_by_family"]
    assert (item.score, item.rationale, item.updates) == (0, "", [])


def test_several_entries_keep_the_score_as_written_but_count_once() -> None:
    data, expected = make("multiple_entries")
    record = parse(data)
    assert record.items["missing_overnight"].score == 2
    assert record.items["frequenting_cse_areas"].score == 3
    assert record.items["frequenting_cse_areas"].counted == 1
    assert record.computed_total == expected.computed_total


def test_tracked_score_change_reads_the_new_score() -> None:
    data, _ = make("tracked_changes")
    record = parse(data)
    assert record.items["staying_out_late"].score == 1
    assert record.items["physical_abuse_in_relationship"].score == 0
    assert "Briony" not in record.items["peers_involved_in_cse"].rationale
    assert "Taken home by police." in record.items["drug_alcohol_misuse"].rationale


def test_red_update_is_not_part_of_the_rationale() -> None:
    data, _ = make("red_updates")
    record = parse(data)
    item = record.items["missing_overnight"]
    assert item.updates == [Update(date(2026, 11, 15), "No further missing episodes since the last review.")]
    assert "No further missing" not in item.rationale


def test_placeholder_text_of_empty_controls_is_ignored() -> None:
    data, _ = make("content_controls")
    record = parse(data)
    assert all("Click or tap" not in item.rationale for item in record.items.values())
    assert record.items["frequenting_cse_areas"].score == 0


# --------------------------------------------------------------------------------------------
# The shared samples.
# --------------------------------------------------------------------------------------------


def _samples(suffix: str) -> list[Path]:
    if not (SAMPLES / "expected.json").is_file():
        return []
    return sorted(SAMPLES.glob(f"*.{suffix}"))


def check_sample(record: Assessment, want: dict) -> None:
    """A record against its expected.json entry (scores there count one point at most)."""
    assert record.child.name == want["child_name"]
    assert record.child.dob == date.fromisoformat(want["dob"])
    assert record.assessment_date == date.fromisoformat(want["assessment_date"])
    assert {key: item.counted for key, item in record.items.items()} == want["scores"]
    assert record.computed_total == want["computed_total"]
    assert record.computed_category == want["computed_category"]
    assert record.stated_total == want["stated_total"]
    assert record.stated_category == want["stated_category"]


@pytest.mark.skipif(not _samples("docx"), reason=f"no samples in {SAMPLES}")
@pytest.mark.parametrize("path", _samples("docx"), ids=lambda p: p.name)
def test_shared_sample(path: Path) -> None:
    want = json.loads((SAMPLES / "expected.json").read_text())[path.name]
    data = path.read_bytes()
    check_sample(parse(data, path.name), want)
