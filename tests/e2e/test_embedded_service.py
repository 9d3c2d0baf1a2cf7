"""The whole service on its embedded defaults: Maildir in, SQLite, Maildir out."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import date, timedelta

import docx
import pytest

from tests.fixtures.factory import ItemAnswer, base_spec, build_form, with_answers, with_stated
from tests.service_harness import Service


@pytest.fixture
def service(tmp_path) -> Service:
    return Service(tmp_path)


def _high_tool() -> bytes:
    """The base tool with enough extra points to be high risk (stated high)."""
    extra = {key: ItemAnswer(1, f"On 10/10/2026 the school DSL reported a new concern ({key}).")
             for key in ("physical_abuse_by_family", "no_protective_adult", "expressions_of_despair",
                         "sti_or_contraception", "drug_alcohol_misuse", "offending_linked_to_cse",
                         "frequenting_cse_areas", "unexplained_money_or_items", "failing_to_engage")}
    spec = with_stated(with_answers(base_spec(), **extra), "21", "High")
    return build_form(replace(spec, name="Eira Pascoe", dob=date(2010, 6, 1)))


def test_replies_agenda_and_case_note(service: Service) -> None:
    service.send_tool()
    service.send_tool(_high_tool(), name="second.docx", sender="alex.worker@northyorks.gov.uk")
    service.send_tool(b"%PDF-1.4 not really", name="broken.pdf")
    counts = json.loads(service.run("poll", "--once").stdout)
    assert counts["parsed"] == 2 and counts["rejected"] == 1
    replies = service.outbox()
    subjects = sorted(str(m["Subject"]) for m in replies)
    assert sum("CSE risk tool received" in s for s in subjects) == 2
    assert sum("could not read" in s for s in subjects) == 1
    assert all("Morwenna" not in s for s in subjects)  # no child name in a subject line
    first = next(m for m in replies if "MAST-1" in str(m["Subject"]))
    body = first.get_body(("plain",)).get_content()
    assert "Our count: total 12, risk level Medium" in body
    # The worker's own tool comes back with each finding as a Word comment.
    review = next(part for part in first.iter_attachments())
    assert review.get_filename() == "tool - MAST review.docx"
    document = docx.Document(io.BytesIO(review.get_content()))
    assert {c.author for c in document.comments} == {"MAST Intake"}
    assert len(service.filed("Processed")) == 3 and not service.waiting()

    service.run("agenda", "place")
    cases = [json.loads(line) for line in service.run("agenda", "--json").stdout.splitlines()]
    assert [c["consider_category"] for c in cases] == ["high", "medium"]
    assert {c["submission_id"] for c in cases} == {1, 2}

    service.run("decide", "MAST-2", "--level", "high", "--rationale", "Fictional rationale.", "--status",
                "added", "--action", "Safety plan", "--owner", "Alex Worker", "--tier1", "--nrm", "referred",
                "--nrm-date", date.today().isoformat(), "--nrm-responder", "Fictional Responder",
                "--by", "MAST chair")
    note = [m for m in service.outbox() if "decision" in str(m["Subject"]).lower()]
    assert len(note) == 1 and str(note[0]["To"]) == "alex.worker@northyorks.gov.uk"
    text = note[0].get_body(("plain",)).get_content()
    due = date.today() + timedelta(weeks=6)
    assert f"{due.day} {due:%B %Y}" in text
    assert "Safety plan" in text and "Alex Worker" in text


def test_decision_needs_a_case_on_an_agenda(service: Service) -> None:
    service.send_tool()
    service.run("poll", "--once")
    refused = service.run("decide", "1", "--level", "low", "--rationale", "Fictional rationale.", "--status",
                          "unchanged", "--by", "Chair", check=False)
    assert refused.returncode != 0 and "waiting to be placed on a meeting" in refused.stderr


def test_resubmission_replaces_the_earlier_tool_on_the_agenda(service: Service) -> None:
    service.send_tool()
    service.run("poll", "--once")
    service.send_tool()  # the corrected tool, a new email
    service.run("poll", "--once")
    service.run("agenda", "place")
    cases = [json.loads(line) for line in service.run("agenda", "--json").stdout.splitlines()]
    assert [c["submission_id"] for c in cases] == [2]


def test_outside_sender_is_quarantined_and_never_answered(service: Service) -> None:
    service.send_tool(sender="someone@example.com")
    service.run("poll", "--once")
    assert len(service.filed("Quarantine")) == 1
    recipients = {str(m["To"]) for m in service.outbox()}
    assert recipients == {"mast-intake-admin@northyorks.gov.uk"}
    alert = service.outbox()[0].get_body(("plain",)).get_content()
    assert "Morwenna" not in alert


def test_reply_goes_to_the_sender_not_reply_to(service: Service) -> None:
    service.send_tool(reply_to="someone@example.com")
    service.run("poll", "--once")
    assert {str(m["To"]) for m in service.outbox()} == {"sam.worker@northyorks.gov.uk"}


def test_logs_carry_no_child_data(service: Service) -> None:
    service.send_tool()
    result = service.run("poll", "--once")
    logs = result.stderr
    assert "processed" in logs
    for secret in ("Morwenna", "Blyth", "2011-02-04", "04/02/2011", "netball", "Kerrigan", "Vosper"):
        assert secret not in logs


def test_status_reports_counts(service: Service) -> None:
    service.send_tool()
    service.run("poll", "--once")
    report = json.loads(service.run("status", "--json").stdout)
    assert report["messages"]["processed"] == 1
    assert report["replies"]["sent"] == 1
    assert report["last_poll"] is not None
