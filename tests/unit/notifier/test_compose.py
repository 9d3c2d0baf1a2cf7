"""Composing whole emails: headers, text and HTML parts, attachments, threading."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime

import pytest

from mast_intake.models.finding import Severity
from mast_intake.notifier import compose
from mast_intake.notifier.agenda_docx import DOCX_MIME
from mast_intake.notifier.compose import Envelope
from tests.unit.notifier import view_factories as f

WORKER = "pat.example@northyorks.gov.uk"
MAST = "MAST <nymast@northyorks.gov.uk>"
WHEN = datetime(2026, 5, 4, 7, 20, tzinfo=UTC)


def envelope(**kw) -> Envelope:
    """An envelope from MAST to the worker."""
    values = dict(sender=MAST, to=(WORKER,), date=WHEN)
    values.update(kw)
    return Envelope(**values)


BUILDERS = {
    "precheck": lambda: compose.compose_precheck(f.precheck(), envelope(in_reply_to="<w1@mail>")),
    "rejection": lambda: compose.compose_rejection(f.rejection(), envelope(in_reply_to="<w2@m>")),
    "agenda": lambda: compose.compose_agenda(f.agenda(), envelope(to=(MAST,))),
    "case_note": lambda: compose.compose_case_note(f.case_note(), envelope()),
    "reminder": lambda: compose.compose_reminder(f.reminder(), envelope()),
    "escalation": lambda: compose.compose_reminder(
        f.reminder(escalation=True), envelope(to=(MAST,))
    ),
    "alert": lambda: compose.compose_alert(f.alert(), envelope(to=("admin@northyorks.gov.uk",))),
}
"""How to build one composed message of each kind."""


def roundtrip(message):
    """Serialise and parse back, as a receiver would."""
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_every_message_has_headers_and_text_and_html_parts(kind):
    message = roundtrip(BUILDERS[kind]())
    for header in ("From", "To", "Subject", "Message-ID", "Date"):
        assert message[header], header
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith(">")
    assert message["Message-ID"].rstrip(">").endswith("@northyorks.gov.uk")
    assert message["Auto-Submitted"] in {"auto-generated", "auto-replied"}
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert text.get_content().strip() and "<html" in html.get_content()


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_subject_never_carries_the_child_name(kind):
    subject = BUILDERS[kind]()["Subject"]
    for part in (f.CHILD, "Tilly", "Fictional", "Child H-NEW"):
        assert part not in subject


def test_subject_carries_no_file_name_and_has_the_reference():
    view = f.precheck(file_name="Tilly Fictional CSE tool.docx")
    subject = compose.compose_precheck(view, envelope())["Subject"]
    assert "Tilly" not in subject and ".docx" not in subject
    assert view.reference in subject and subject.startswith("OFFICIAL-SENSITIVE")


def test_subjects_say_what_is_needed():
    assert "corrected tool" in compose.precheck_subject(f.precheck())
    assert "corrected tool" not in compose.precheck_subject(f.precheck(findings=()))
    note = f.case_note(corrects="SUB-2026-0040")
    assert "CORRECTION" in compose.case_note_subject(note)
    assert "overdue" in compose.reminder_subject(f.reminder(escalation=True))
    assert "(4 cases)" in compose.agenda_subject(f.agenda())
    assert "OFFICIAL-SENSITIVE" not in compose.alert_subject(f.alert())


def test_reply_threads_with_in_reply_to_and_references():
    env = envelope(in_reply_to="worker-msg@northyorks.gov.uk", references=("<older@mail>",))
    message = roundtrip(compose.compose_precheck(f.precheck(), env))
    assert message["In-Reply-To"] == "<worker-msg@northyorks.gov.uk>"
    assert message["References"] == "<older@mail> <worker-msg@northyorks.gov.uk>"
    assert message["Auto-Submitted"] == "auto-replied"


def test_no_in_reply_to_when_not_replying():
    message = compose.compose_case_note(f.case_note(), envelope())
    assert message["In-Reply-To"] is None and message["References"] is None
    assert message["Auto-Submitted"] == "auto-generated"


def test_given_message_id_and_date_are_kept():
    env = envelope(message_id="outbox-17@mast-intake.example", date=WHEN)
    message = compose.compose_case_note(f.case_note(), env)
    assert message["Message-ID"] == "<outbox-17@mast-intake.example>"
    assert message["Date"].datetime == WHEN


def test_new_message_ids_are_unique_on_the_stable_domain():
    a = compose.compose_alert(f.alert(), envelope(msgid_domain="mast-intake.example"))
    b = compose.compose_alert(f.alert(), envelope(msgid_domain="mast-intake.example"))
    assert a["Message-ID"] != b["Message-ID"]
    assert a["Message-ID"].endswith("@mast-intake.example>")


def test_recipients_and_cc():
    message = compose.compose_case_note(
        f.case_note(), envelope(to=(WORKER, "manager@northyorks.gov.uk"), cc=(MAST,))
    )
    assert WORKER in message["To"] and "manager@northyorks.gov.uk" in message["To"]
    assert "nymast@northyorks.gov.uk" in message["Cc"]
    with pytest.raises(ValueError):
        compose.compose_case_note(f.case_note(), envelope(to=()))


def test_agenda_has_the_docx_attached():
    message = roundtrip(compose.compose_agenda(f.agenda(), envelope(to=(MAST,))))
    attachments = list(message.iter_attachments())
    assert len(attachments) == 1
    docx = attachments[0]
    assert docx.get_content_type() == DOCX_MIME
    assert docx.get_filename() == "MAST-CSE-agenda-2026-05-04-0930.docx"
    assert docx.get_content()[:2] == b"PK"


def test_extra_attachments_are_added():
    extra = [("notes.pdf", b"%PDF-1.7 fictional", "application/pdf")]
    message = roundtrip(compose.compose_precheck(f.precheck(), envelope(), extra))
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "notes.pdf"
    assert attachment.get_content() == b"%PDF-1.7 fictional"
    agenda = roundtrip(compose.compose_agenda(f.agenda(), envelope(), extra))
    assert [a.get_filename() for a in agenda.iter_attachments()][1] == "notes.pdf"
    with pytest.raises(ValueError):
        compose.compose_precheck(f.precheck(), envelope(), [("x", b"", "pdf")])


def test_html_part_is_escaped_in_the_real_message():
    view = f.precheck(child_name="Amy & <Jo>",
                      findings=(f.finding("X", Severity.MUST_FIX, excerpt="<i>x</i>"),))
    message = roundtrip(compose.compose_precheck(view, envelope()))
    html = message.get_body(preferencelist=("html",)).get_content()
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Amy &amp; &lt;Jo&gt;" in html and "<Jo>" not in html and "<i>x</i>" not in html
    assert "Amy & <Jo>" in text


def test_non_ascii_names_survive():
    view = f.precheck(child_name="Zoë Ní Fictionál", worker_name="Siân Example")
    message = roundtrip(compose.compose_precheck(view, envelope()))
    assert "Zoë Ní Fictionál" in message.get_body(preferencelist=("plain",)).get_content()
    assert "Siân" in message.get_body(preferencelist=("html",)).get_content()
