"""One composed email of each kind the service sends, for the reading and rendering tests.

Pre-check replies come from the shared samples read and checked as the service does (the sample
with the most findings, the one with the most must-fix findings, a score mismatch), plus a
fictional tool with seven must-fix findings; the other kinds come from the notifier's view
factories. Everything is built in memory; nothing is sent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from functools import cache
from pathlib import Path

from mast_intake.config.settings import Settings
from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.notifier import compose
from mast_intake.notifier.compose import Envelope
from mast_intake.notifier.replies import ReadTool, compose_replies
from mast_intake.notifier.views.rejections import RejectedFileView
from mast_intake.parsers.pdf import parse_pdf
from mast_intake.parsers.word import parse_docx
from mast_intake.validation.run import run_checks
from tests.shared_paths import SAMPLES
from tests.unit.notifier import view_factories as f

WORKER = "pat.example@northyorks.gov.uk"
MAST = "MAST <nymast@northyorks.gov.uk>"
WHEN = datetime(2026, 5, 4, 7, 20, tzinfo=UTC)


@dataclass(frozen=True)
class CheckedSample:
    """A shared sample read and checked as the service does."""

    path: Path
    record: Assessment
    findings: list[Finding]
    original: bytes

    @property
    def must_fix(self) -> int:
        """How many must-fix findings it has."""
        return sum(1 for finding in self.findings if finding.severity == Severity.MUST_FIX)


@cache
def checked_samples() -> tuple[CheckedSample, ...]:
    """Every shared sample (samples/ and samples/realistic/), read and checked, in name order."""
    out = []
    for path in sorted(SAMPLES.rglob("*")):
        data = path.read_bytes() if path.suffix in {".docx", ".pdf"} else b""
        if not data:
            continue
        digest = hashlib.sha256(data).hexdigest()
        parse = parse_docx if path.suffix == ".docx" else parse_pdf
        record = parse(data, path.name, digest)
        out.append(CheckedSample(path, record, run_checks(record), data))
    return tuple(out)


def most(key: Callable[[CheckedSample], int]) -> CheckedSample:
    """The sample with the highest ``key`` (the first by name on a tie)."""
    samples = checked_samples()
    return max(samples, key=lambda s: (key(s), [-ord(c) for c in s.path.name]))


def reply_for(sample: CheckedSample, *, received: datetime | None = None) -> EmailMessage:
    """The pre-check reply the service would send for ``sample`` (with its review copy)."""
    if received is None:
        assessed = sample.record.assessment_date or WHEN.date()
        received = datetime.combine(assessed + timedelta(days=3), datetime.min.time(), UTC)
    tool = ReadTool("MAST-17", sample.record, sample.findings, sample.original)
    (message,) = compose_replies(Settings(), "<tool@northyorks.gov.uk>", WORKER, "Pat Example",
                                 received, [tool], [])
    return message


def seven_must_fix() -> EmailMessage:
    """A fictional reply with seven must-fix findings, each quoting long words, plus advice."""
    long = "was seen getting into a car with two older males outside the school gates on Friday"
    findings = tuple(
        f.finding(code, Severity.MUST_FIX, item, excerpt=long, short_fix=text)
        for code, item, text in (
            ("SCORE_WITHOUT_RATIONALE", "missing_overnight", "Say why you scored it and where you heard it."),
            ("HISTORICAL_SCORED", "staying_out_late", "This is more than a month old. Keep it in the box "
             "but do not score it."),
            ("REPEATED_POINT", "vehicles_unknown_adults", "Score this concern once only."),
            ("SCORE_WITHOUT_RATIONALE", "unexplained_money_or_items", "Say why you scored it and where "
             "you heard it."),
            ("MISSING_SUMMARY", "summary", "In the summary, say why you think the child is at risk."),
            ("SCORE_MISMATCH", None, "Correct the total. The items we counted are listed under Score."),
            ("CATEGORY_MISMATCH", None, "Change the risk level to match the score, or say in the summary "
             "why not."),
        )
    ) + (f.finding("UNNAMED_PERSON", Severity.ADVICE, short_fix="Give this person's name.",
                 excerpt="her new boyfriend"),)
    view = f.precheck(findings=findings, review_copy_name="risk tool v2 - MAST review.docx")
    return compose.compose_precheck(view, Envelope(sender=MAST, to=(WORKER,), date=WHEN))


def _envelope(**kw) -> Envelope:
    values = dict(sender=MAST, to=(WORKER,), date=WHEN)
    values.update(kw)
    return Envelope(**values)


def factory_messages() -> dict[str, EmailMessage]:
    """One message of each kind from the view factories (fictional data)."""
    return {
        "rejection": compose.compose_rejection(f.rejection(), _envelope()),
        "rejection_no_attachment": compose.compose_rejection(
            f.rejection(files=(), no_attachment=True), _envelope()),
        "rejection_several": compose.compose_rejection(f.rejection(files=tuple(
            RejectedFileView.for_reason(f"file{n}.bin", reason)
            for n, reason in enumerate(("scanned", "encrypted", "legacy_doc", "too_large"))
        )), _envelope()),
        "agenda": compose.compose_agenda(f.agenda(), _envelope(to=(MAST,))),
        "case_note": compose.compose_case_note(f.case_note(), _envelope()),
        "case_note_correction": compose.compose_case_note(
            f.case_note(corrects="Monday 4 May 2026 at 10:05",
                        correction_reason="The level was typed wrongly."),
            _envelope()),
        "reminder": compose.compose_reminder(f.reminder(), _envelope()),
        "escalation": compose.compose_reminder(
            f.reminder(escalation=True, reminded_on=date(2026, 4, 28)), _envelope(to=(MAST,))),
        "alert": compose.compose_alert(f.alert(), _envelope(to=("admin@northyorks.gov.uk",))),
    }


def all_messages() -> dict[str, EmailMessage]:
    """Every kind: real sample replies (when the shared samples are present) and the rest."""
    messages = {"precheck_seven_must_fix": seven_must_fix(),
                "precheck_clean": compose.compose_precheck(f.precheck(findings=()), _envelope())}
    if checked_samples():
        messages["precheck_most_findings"] = reply_for(most(lambda s: len(s.findings)))
        messages["precheck_most_must_fix"] = reply_for(most(lambda s: s.must_fix))
        messages["precheck_score_mismatch"] = reply_for(
            most(lambda s: int(any(x.code == "SCORE_MISMATCH" for x in s.findings)) * len(s.findings)))
    messages.update(factory_messages())
    return messages


def html_of(message: EmailMessage) -> str:
    """The message's HTML part."""
    return message.get_body(preferencelist=("html",)).get_content()


def text_of(message: EmailMessage) -> str:
    """The message's plain-text part."""
    return message.get_body(preferencelist=("plain",)).get_content()
