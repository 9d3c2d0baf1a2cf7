"""The console's pages over plain HTTP: agenda, submission, decision, child, search, quarantine."""

from __future__ import annotations

import email
import email.policy
import re

from mast_intake.intake.poll import poll_once
from mast_intake.web.chart import Point, score_chart
from tests.fixtures.factory import base_spec, build_form
from tests.mail_factory import drop, email_with
from tests.unit.web.conftest import Console


def _outbox_subjects(console: Console) -> list[str]:
    folder = console.app.settings.outbox_path / "new"
    return [str(email.message_from_bytes(p.read_bytes(), policy=email.policy.default)["Subject"])
            for p in sorted(folder.glob("*"))]


def test_agenda_lists_the_case_and_is_audited(console: Console) -> None:
    console.login("mo.member")
    page = console.client.get("/agenda").text
    assert "Morwenna Blyth" in page and 'href="/submissions/1"' in page
    assert "Medium" in page  # the band in words, not only a colour
    assert console.audit(action="viewed", subject_type="meeting")[0].actor == "mo.member"


def test_submission_shows_items_findings_and_is_audited(console: Console) -> None:
    console.login("mo.member")
    page = console.client.get("/submissions/1").text
    assert "Emotional neglect by parent/carer/family member" in page
    assert "Clive Penhallow" in page  # the worker's rationale, item by item
    assert "Recounted by the service" in page
    viewed = console.audit(action="viewed", subject_type="submission", subject_id=1)
    assert [line.actor for line in viewed] == ["mo.member"]
    assert "Morwenna" not in viewed[0].detail


def test_findings_are_marked_in_place(console: Console) -> None:
    from tests.fixtures.factory import ItemAnswer, with_answers

    spec = with_answers(base_spec(), unexplained_money_or_items=ItemAnswer(1, "Seen with CH again.", "bare"))
    drop(console.app.settings.maildir_path, email_with([("initials.docx", build_form(spec))]))
    poll_once(console.app.poll_context())
    console.login("mo.member")
    page = console.client.get("/submissions/2").text
    row = page[page.index('id="item-unexplained_money_or_items"'):]
    row = row[:row.index("</tr>")]
    assert "<mark>" in row and "INITIALS_ONLY" in row and "Should fix" in row


def test_original_download_only_when_held_and_audited(console: Console) -> None:
    console.login("mo.member")
    page = console.client.get("/submissions/1").text
    assert 'href="/submissions/1/original"' in page
    response = console.client.get("/submissions/1/original")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert "attachment" in response.headers["content-disposition"]
    assert console.audit(action="viewed", subject_type="attachment")[0].actor == "mo.member"
    assert console.client.get("/submissions/99/original").status_code == 404


def test_coordinator_records_a_decision_and_the_case_note_is_sent(console: Console) -> None:
    console.login("cora.coordinator")
    token = console.csrf("/submissions/1")
    response = console.client.post("/submissions/1/decision", data={
        "csrf_token": token, "level": "high", "case_status": "added", "nrm": "considered", "tier1": "yes",
        "action_1": "Safety plan review", "owner_1": "Social worker", "notes": "Discussed at MAST."})
    assert response.status_code == 303
    page = console.client.get(response.headers["location"]).text
    assert "Decision D-1 recorded" in page and "Safety plan review" in page
    assert any("MAST CSE decision, ref MAST-1" in s for s in _outbox_subjects(console))
    assert console.audit(action="decided")[0].actor == "cora.coordinator"
    # Deciding again is a correction, and needs a reason.
    token = console.csrf("/submissions/1")
    refused = console.client.post("/submissions/1/decision", data={
        "csrf_token": token, "level": "medium", "case_status": "unchanged", "nrm": "no"})
    assert refused.status_code == 422 and "Say why" in refused.text
    corrected = console.client.post("/submissions/1/decision", data={
        "csrf_token": token, "level": "medium", "case_status": "unchanged", "nrm": "no",
        "correction_reason": "Level typed wrongly."})
    assert corrected.status_code == 303
    assert any("CORRECTION" in s for s in _outbox_subjects(console))


def test_decision_form_errors_are_listed(console: Console) -> None:
    console.login("cora.coordinator")
    token = console.csrf("/submissions/1")
    response = console.client.post("/submissions/1/decision", data={
        "csrf_token": token, "action_1": "An action with no owner"})
    assert response.status_code == 422
    for words in ("Choose the risk level", "Choose whether the CSE case status", "Choose the National",
                  "Say who owns action 1"):
        assert words in response.text
    # The error summary links to each field in trouble.
    for field in ("level-low", "status-added", "nrm-yes", "owner_1"):
        assert f'href="#{field}"' in response.text and f'id="{field}"' in response.text
    assert 'value="An action with no owner"' in response.text  # what was typed is kept


def test_child_page_has_every_assessment_and_a_chart(console: Console) -> None:
    console.login("mo.member")
    page = console.client.get("/children/1").text
    assert '<svg' in page and 'role="img"' in page and "MAST-1: score 12, Medium" in page
    assert console.audit(action="viewed", subject_type="child", subject_id=1)[0].actor == "mo.member"
    assert console.client.get("/children/999").status_code == 404


def test_search_by_name_or_date_of_birth(console: Console) -> None:
    console.login("mo.member")
    assert 'href="/children/1"' in console.client.get("/search", params={"name": "morwenna"}).text
    assert 'href="/children/1"' in console.client.get("/search", params={"dob": "2011-02-04"}).text
    none = console.client.get("/search", params={"name": "morwenna", "dob": "2011-02-05"}).text
    assert "0 children found" in none
    assert "as a date" in console.client.get("/search", params={"dob": "4 Feb"}).text
    searched = console.audit(action="searched")
    assert searched and all("morwenna" not in line.detail.lower() for line in searched)


def test_quarantine_release_lets_the_poll_read_the_email(console: Console) -> None:
    settings = console.app.settings
    drop(settings.maildir_path, email_with([("tool.docx", build_form(base_spec()))],
                                           sender="worker@partner.example"))
    assert poll_once(console.app.poll_context())["quarantined"] == 1
    console.login("ada.admin")
    page = console.client.get("/quarantine").text
    assert "worker@partner.example" in page and "outside the allowed domains" in page
    assert "Morwenna" not in page  # the quarantine never shows what the email holds
    row_id = re.search(r'/quarantine/(\d+)/release', page).group(1)
    token = console.csrf("/quarantine")
    response = console.client.post(f"/quarantine/{row_id}/release", data={"csrf_token": token})
    assert response.headers["location"] == "/quarantine?done=released"
    assert len(list((settings.maildir_path / "new").iterdir())) == 1
    assert poll_once(console.app.poll_context())["parsed"] == 1
    assert console.audit(action="released")[0].actor == "ada.admin"


def test_quarantine_reject_keeps_the_email_aside(console: Console) -> None:
    settings = console.app.settings
    drop(settings.maildir_path, email_with([("tool.docx", build_form(base_spec()))],
                                           sender="worker@partner.example"))
    poll_once(console.app.poll_context())
    console.login("ada.admin")
    page = console.client.get("/quarantine").text
    assert "No reply can be sent" in page
    row_id = re.search(r'/quarantine/(\d+)/reject', page).group(1)
    token = console.csrf("/quarantine")
    response = console.client.post(f"/quarantine/{row_id}/reject",
                                   data={"csrf_token": token, "reply": "x", "send_reply": "yes"})
    assert response.headers["location"] == "/quarantine?done=rejected"
    assert "The quarantine is empty" in console.client.get("/quarantine").text
    assert poll_once(console.app.poll_context())["parsed"] == 0


def test_admin_adds_an_account(console: Console) -> None:
    console.login("ada.admin")
    token = console.csrf("/users")
    short = console.client.post("/users", data={"csrf_token": token, "username": "new.member",
                                                "role": "member", "password": "short"})
    assert short.status_code == 422 and "too short" in short.text
    added = console.client.post("/users", data={"csrf_token": token, "username": "new.member",
                                                "role": "member", "password": "a long enough password"})
    assert added.status_code == 200 and "Account new.member added" in added.text
    assert console.audit(action="user_added")[0].actor == "ada.admin"


def test_chart_reads_without_colour() -> None:
    from datetime import date

    svg = str(score_chart([Point(date(2026, 1, 5), 8, "low", "MAST-1"),
                           Point(date(2026, 3, 1), 21, "high", "MAST-4")]))
    assert "<title" in svg and "MAST-4: score 21, High" in svg
    assert "Low (0-10)" in svg and "High (20+)" in svg  # bands are named, not just shaded
    assert "<polygon" in svg and "<circle" in svg  # the marker shape follows the band
