"""REVIEW_DUE follows the domain's review rule and says when the review is already overdue."""

from __future__ import annotations

from datetime import date

from mast_intake.config.settings import ParseLimits
from mast_intake.parsers import parse_bytes
from mast_intake.validation import CheckOptions, run_checks
from tests.fixtures.factory import base_spec, build_form


def _review_message(today: date | None) -> str:
    record = parse_bytes(build_form(base_spec()), "tool.docx", ParseLimits())
    options = CheckOptions(today=(lambda: today) if today else None)
    return next(f.message for f in run_checks(record, options) if f.code == "REVIEW_DUE")


def test_a_tool_assessed_months_ago_is_told_it_is_overdue() -> None:
    # base_spec is assessed on 14 October 2026 at medium risk: due 9 December 2026.
    message = _review_message(date(2027, 3, 1))
    assert "overdue since 09/12/2026" in message and "send an updated tool" in message
    assert "please review this tool by" not in message


def test_a_tool_not_yet_due_gives_the_date() -> None:
    message = _review_message(date(2026, 11, 1))
    assert "please review this tool by 09/12/2026 (8 weeks after the assessment date)" in message
    assert _review_message(None) == message

