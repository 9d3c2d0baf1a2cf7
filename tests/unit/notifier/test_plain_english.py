"""Every message in plain English: a measured reading grade, and no jargon a worker must decode.

The grade is Flesch-Kincaid (textstat) over each message's own sentences, rendered with real
findings from the shared samples; the worker's quoted words, the guide's quotations, the form's
item labels and data such as dates and addresses are left out (see tests/readability.py).
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, datetime

import pytest

from mast_intake.models.finding import Severity
from mast_intake.notifier import compose
from mast_intake.notifier.compose import Envelope
from mast_intake.notifier.precheck_view import ReviewDateView
from mast_intake.notifier.views.rejections import NO_ATTACHMENT, RejectedFileView
from mast_intake.parsers.rejections import REASONS
from mast_intake.validation.catalogue import RULES
from tests.message_kinds import all_messages, html_of, text_of
from tests.readability import grade, hardest, own_sentences
from tests.unit.notifier import view_factories as f

MAX_GRADE = 9.0
WORKER_FACING = ("precheck", "rejection", "case_note", "reminder")

JARGON = (
    "category is the one you gave",
    "the one you gave when you explained it",
    "recomputed",
    "computed",
    "severity",
    "excerpt",
    "finding",
    "must_fix",
    "should_fix",
    "item key",
    "n/a",
    "herewith",
    "please find attached",
    "aforementioned",
    "utilise",
    "in order to",
    "prior to",
    "pursuant",
    "parsed",
    "pre-check",
)
"""Words a worker should not have to decode, in any message sent to them."""

REFERENCES = re.compile(r"\bD-\d+\b|\bE-[0-9A-F]{8}\b|#\d+\b|\bSUB-\d|\bref(?:erence)? \d")
"""Reference formats other than MAST-<id>, or decision numbers the worker never saw."""
CODES = re.compile(r"\b[A-Z]{2,}_[A-Z_]+\b")
"""Rule codes such as REVIEW_DUE."""


def _extra_messages() -> dict:
    """Variants the shared kinds do not cover: an overdue review, every rejection reason."""
    envelope = Envelope(sender="MAST <nymast@northyorks.gov.uk>", to=("pat@northyorks.gov.uk",))
    overdue = ReviewDateView(datetime(2026, 3, 2).date(), 8, "medium", datetime(2026, 5, 4).date())
    review = f.finding("REVIEW_DUE", Severity.ADVICE, None, short_fix=overdue.sentence, excerpt="")
    extra = {"precheck_overdue": compose.compose_precheck(
        f.precheck(findings=(review,), review=overdue), envelope)}
    for reason in (*REASONS, NO_ATTACHMENT):
        view = (f.rejection(files=(), no_attachment=True) if reason == NO_ATTACHMENT
                else f.rejection(files=(RejectedFileView.for_reason("tool.bin", reason),)))
        extra[f"rejection_{reason}"] = compose.compose_rejection(view, envelope)
    return extra


MESSAGES = {**all_messages(), **_extra_messages()}


def _visible(html: str) -> str:
    without_style = re.sub(r"<(style|title)\b.*?</\1>", " ", html, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", without_style))


@pytest.mark.parametrize("name", list(MESSAGES))
def test_reading_grade_is_nine_or_lower(name):
    text = text_of(MESSAGES[name])
    assert len(own_sentences(text)) >= 3
    measured = grade(text)
    assert measured <= MAX_GRADE, f"{name}: grade {measured:.1f}; hardest: {hardest(text)}"


@pytest.mark.parametrize("name", [n for n in MESSAGES if n.startswith(("precheck", "rejection"))])
def test_html_and_text_parts_say_the_same(name):
    """The replies' two parts hold the same words (headings and table labels included)."""
    html_words = set(re.findall(r"[a-z]{3,}", _visible(html_of(MESSAGES[name])).lower()))
    text_words = set(re.findall(r"[a-z]{3,}", text_of(MESSAGES[name]).lower()))
    assert html_words == text_words, (name, html_words ^ text_words)


def test_the_measure_fails_hard_text():
    """The guide's own sentence is above grade 9, so the test above can fail."""
    hard = next(rule.guide for rule in RULES if rule.code == "REVIEW_DUE")
    assert grade(f"Dear Pat,\n\n{hard}\n") > MAX_GRADE


def test_quotes_and_data_are_left_out_of_the_measure():
    sentences = own_sentences('1. Drug & alcohol misuse: Say why. "a very long quotation indeed"\n'
                              "Reference: MAST-4\nSent to nymast@northyorks.gov.uk.\n")
    assert sentences == ["Say why.", "Sent to the mailbox."]


@pytest.mark.parametrize("name", [n for n in MESSAGES if n.startswith(WORKER_FACING)])
def test_worker_messages_use_no_jargon_codes_or_other_references(name):
    for body in (text_of(MESSAGES[name]), _visible(html_of(MESSAGES[name]))):
        lowered = body.lower()
        assert [word for word in JARGON if word in lowered] == [], name
        assert REFERENCES.findall(body) == [], name
        assert CODES.findall(body) == [], name


def test_every_rule_has_a_plain_short_fix():
    for rule in RULES:
        text = rule.short_fix
        assert grade(f"{text}\n") <= MAX_GRADE, (rule.code, text)
        assert not [word for word in JARGON if word in text.lower()], rule.code


def test_an_overdue_review_says_overdue_since_and_asks_for_an_updated_tool():
    text = text_of(MESSAGES["precheck_overdue"])
    assert "overdue since Monday 2 March 2026" in text
    assert "Please send an updated tool as soon as you can." in text
    assert "review by" not in text
    due = ReviewDateView(datetime(2026, 6, 1, tzinfo=UTC).date(), 8, "medium", datetime(2026, 5, 4).date())
    assert not due.overdue and due.sentence.startswith("Please send an updated tool by Monday 1 June 2026")
