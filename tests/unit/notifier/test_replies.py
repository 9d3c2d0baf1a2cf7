"""The pre-check reply built from a read tool: counted items, the review date, the review copy."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

import pytest

from mast_intake.config.settings import Settings
from mast_intake.models.assessment import Assessment, Entry, ItemEntry, Rejection
from mast_intake.models.finding import Finding, Severity
from mast_intake.models.form import ITEMS
from mast_intake.models.reference import case_reference, submission_id_of
from mast_intake.notifier.advice import full_fix
from mast_intake.notifier.replies import ReadTool, compose_replies, counted_items
from mast_intake.notifier.review_copy import comment_text
from mast_intake.parsers.rejections import REASONS
from mast_intake.validation.run import run_checks
from tests.message_kinds import SAMPLES, checked_samples, html_of, reply_for, text_of
from tests.shared_paths import require

KEYS = list(ITEMS)
RECEIVED = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)


def _record(**kw) -> Assessment:
    values = dict(file_name="Tool v3.docx", sha256="0" * 64, kind="pdf", assessment_date=date(2026, 4, 30))
    values.update(kw)
    return Assessment(**values)


def _items() -> dict[str, ItemEntry]:
    return {
        KEYS[3]: ItemEntry(KEYS[3], 2, entries=[
            Entry(1, "Went missing from home on 3 April and was found in Leeds by police"),
            Entry(1, "Missing again on 20 April overnight"),
        ]),
        KEYS[0]: ItemEntry(KEYS[0], 1, rationale="Seen with older males at the bus station most evenings"),
        KEYS[1]: ItemEntry(KEYS[1], 0, rationale="No concerns."),
    }


def _reply(record: Assessment, findings: list[Finding], received: datetime = RECEIVED, **settings):
    tool = ReadTool(case_reference(7), record, findings)
    (message,) = compose_replies(Settings(**settings), "<w@northyorks.gov.uk>", "pat@northyorks.gov.uk",
                                 "Pat Example", received, [tool], [])
    return message


def test_counted_items_are_in_form_order_with_first_words_and_which_point():
    counted = counted_items(_record(items=_items()))
    assert [c.label for c in counted] == [ITEMS[KEYS[0]].label, ITEMS[KEYS[3]].label]
    first, second = counted
    assert first.first_words == "Seen with older males at the bus station..."
    assert not first.several_points
    assert second.first_words == "Went missing from home on 3 April and..."
    assert second.several_points and second.points_in_box == 2


def test_score_mismatch_reply_lists_the_items_counted_and_which_point():
    record = _record(items=_items(), stated_total=3)
    findings = [Finding("SCORE_MISMATCH", None, Severity.MUST_FIX, "Totals differ.", "3")]
    message = _reply(record, findings)
    for body in (text_of(message), " ".join(html_of(message).split())):
        assert "You gave a total of 3. We counted 2." in body
        assert "Seen with older males at the bus station..." in body
        assert "Went missing from home on 3 April and..." in body
        assert "2 points in this box. We counted it once, for this first point." in body
    text = text_of(message)
    assert "Risk assessment score: You gave a total of 3. We counted 2." in text


def test_a_counted_item_with_no_words_is_listed_by_its_label_alone():
    items = {KEYS[2]: ItemEntry(KEYS[2], 1)}
    findings = [Finding("SCORE_MISMATCH", None, Severity.MUST_FIX, "Totals differ.", "4")]
    text = text_of(_reply(_record(items=items, stated_total=4), findings))
    assert f"1. {ITEMS[KEYS[2]].label}\n" in text


def test_no_counted_list_when_the_totals_match():
    message = _reply(_record(items=_items(), stated_total=2), [])
    assert "items we counted" not in text_of(message)


def test_review_date_in_the_future_and_overdue():
    record = _record(items=_items(), stated_total=2, assessment_date=date(2026, 1, 5))
    finding = Finding("REVIEW_DUE", None, Severity.ADVICE, "At low risk, please review by 30/03/2026.", "")
    text = text_of(_reply(record, [finding]))
    assert "Review date: This review is overdue since Monday 30 March 2026." in text
    assert "Please send an updated tool as soon as you can." in text and "30/03/2026" not in text
    text = text_of(_reply(_record(items=_items(), stated_total=2), [finding]))
    assert "Please send an updated tool by Thursday 23 July 2026 (12 weeks at low risk)" in text


def test_the_review_copy_is_attached_named_and_carries_the_reply_words():
    sample = max((s for s in checked_samples() if s.path.suffix == ".docx" and s.findings),
                 key=lambda s: len(s.findings), default=None)
    if sample is None:
        require(SAMPLES / "missing")
    message = reply_for(sample, received=datetime(2027, 6, 1, tzinfo=UTC))
    (attachment,) = list(message.iter_attachments())
    name = attachment.get_filename()
    assert name.endswith(" - MAST review.docx")
    assert f"The attached \"{name}\" is your tool with each point as a Word comment" in text_of(message)
    with zipfile.ZipFile(io.BytesIO(attachment.get_content())) as package:
        comments = package.read("word/comments.xml").decode()
    assert "overdue since" in comments and "How to put it right" in comments
    assert "The good practice guide says" in comments


def test_a_review_date_has_nothing_to_put_right_in_its_comment():
    finding = Finding("REVIEW_DUE", None, Severity.ADVICE, "Review by 30/03/2026.", "")
    text = comment_text(finding)
    assert "How to put it right" not in text and "The good practice guide says" in text
    assert full_fix("REVIEW_DUE") == "" and full_fix("MISSING_SUMMARY")


def test_without_the_review_copy_the_reply_does_not_mention_one():
    findings = [Finding("MISSING_SUMMARY", "summary", Severity.MUST_FIX, "No summary.", "")]
    message = _reply(_record(items=_items(), stated_total=2), findings, review_comments_attachment=False)
    assert "MAST review.docx" not in text_of(message) and not list(message.iter_attachments())


def test_a_real_score_mismatch_sample_lists_every_counted_item():
    sample = next((s for s in checked_samples() if any(f.code == "SCORE_MISMATCH" for f in s.findings)), None)
    if sample is None:
        require(SAMPLES / "missing")
    text = text_of(reply_for(sample))
    listed = text.split("These are the items we counted:", 1)[1].split("\n\n", 1)[0]
    assert len([line for line in listed.splitlines() if line.strip()]) == sample.record.computed_total


def test_one_reference_format_in_subjects_and_bodies():
    message = _reply(_record(items=_items(), stated_total=2), run_checks(_record(items=_items())))
    assert "CSE risk tool received, MAST-7" in message["Subject"]
    assert "Your case MAST-7 will" in text_of(message)
    (rejection,) = compose_replies(Settings(), "<w@northyorks.gov.uk>", "pat@northyorks.gov.uk", "Pat",
                                   RECEIVED, [], [Rejection("scan.pdf", "", "scanned", REASONS["scanned"])])
    assert "E-" not in rejection["Subject"] and "ref" not in rejection["Subject"]


@pytest.mark.parametrize("given", ["MAST-12", "mast-12", "MAST12", "#12", "12", " 12 "])
def test_case_references_are_read_back(given):
    assert submission_id_of(given) == 12 and case_reference(12) == "MAST-12"


@pytest.mark.parametrize("given", ["D-12", "E-0B584907", "MAST-", "twelve"])
def test_other_references_are_refused(given):
    with pytest.raises(ValueError):
        submission_id_of(given)
