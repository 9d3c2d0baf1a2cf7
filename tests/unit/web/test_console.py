"""The console's pages over plain HTTP: agenda, submission, decision, child, search, quarantine."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import replace

import pytest

from mast_intake.intake.poll import poll_once
from mast_intake.web.chart import Point, score_chart
from mast_intake.web.pages import submission_page
from tests.fixtures.factory import base_spec, build_form
from tests.mail_factory import drop, email_with
from tests.unit.web.conftest import Console


def _outbox_subjects(console: Console) -> list[str]:
    folder = console.app.settings.outbox_path / "new"
    return [str(email.message_from_bytes(p.read_bytes(), policy=email.policy.default)["Subject"])
            for p in sorted(folder.glob("*"))]


def _outbox_bodies(console: Console) -> list[str]:
    folder = console.app.settings.outbox_path / "new"
    messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in sorted(folder.glob("*"), key=lambda p: p.stat().st_mtime_ns)]
    return [m.get_body(("plain",)).get_content() for m in messages]


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
        "csrf_token": token, "level": "high", "level_rationale": "Fictional rationale.",
        "case_status": "added", "nrm": "not_referred", "nrm_reason": "Fictional reason.", "tier1": "yes",
        "police_systems_updated": "yes", "police_updated_by": "Fictional Officer",
        "action_1": "Safety plan review", "owner_1": "Social worker", "due_1": "2026-12-18",
        "notes": "Discussed at MAST."})
    assert response.status_code == 303
    page = console.client.get(response.headers["location"]).text
    assert "Decision D-1 recorded" in page and "Safety plan review" in page
    assert any("MAST CSE decision, MAST-1" in s for s in _outbox_subjects(console))
    assert console.audit(action="decided")[0].actor == "cora.coordinator"
    note = _outbox_bodies(console)[-1]
    assert "Decided by: Cora.Coordinator (MAST coordinator)" in note and "cora.coordinator" not in note
    assert "Friday 18 December 2026" in note and "Police systems updated: Yes, by Fictional Officer" in note
    # Deciding again is a correction: the form starts from the decision, and needs a reason.
    form = console.client.get("/submissions/1").text
    assert 'value="Safety plan review"' in form and "Discussed at MAST." in form
    assert 'value="2026-12-18"' in form and 'value="Fictional Officer"' in form
    assert 'id="nrm-not_referred" name="nrm" type="radio" value="not_referred" checked' in form
    # The case-record block of the decision standing, readable without the script.
    block = form[form.index('id="case-record"'):form.index("</textarea>", form.index('id="case-record"'))]
    assert "MAST CSE decision (MAST-1)" in block and "Agreed risk level: High" in block
    assert "Rationale: Fictional rationale." in block
    assert "Safety plan review Owner: Social worker. Due: 18/12/2026." in block
    assert "data-copy=\"case-record\"" in form and "Decided by Cora.Coordinator (MAST coordinator)" in form
    token = console.csrf("/submissions/1")
    refused = console.client.post("/submissions/1/decision", data={
        "csrf_token": token, "level": "medium", "level_rationale": "Fictional rationale.",
        "case_status": "unchanged", "nrm": "not_applicable"})
    assert refused.status_code == 422 and "Say why" in refused.text
    corrected = console.client.post("/submissions/1/decision", data={
        "csrf_token": token, "level": "medium", "level_rationale": "Fictional rationale.",
        "case_status": "unchanged", "nrm": "not_applicable", "correction_reason": "Level typed wrongly."})
    assert corrected.status_code == 303
    assert any("CORRECTION" in s for s in _outbox_subjects(console))
    correction = _outbox_bodies(console)[-1]
    assert "D-1" not in correction and "corrects the earlier MAST case note for MAST-1 of" in correction
    assert "Why it was corrected: Level typed wrongly." in correction
    with console.app.uow() as uow:
        history = submission_page(uow, uow.submissions.get(1)).decisions
    assert [d.correction_reason for d in history] == ["", "Level typed wrongly."]
    page = console.client.get("/submissions/1").text
    assert "Why it was corrected:</strong> Level typed wrongly." in page and "(corrects D-1)" in page
    assert "Agreed risk level: Medium" in page  # the case record follows the correction


def test_decision_form_errors_are_listed(console: Console) -> None:
    console.login("cora.coordinator")
    token = console.csrf("/submissions/1")
    response = console.client.post("/submissions/1/decision", data={
        "csrf_token": token, "action_1": "An action with no owner"})
    assert response.status_code == 422
    for words in ("Choose the risk level", "Choose the CSE case status", "Choose the National",
                  "Say who owns action 1"):
        assert words in response.text
    # The error summary links to each field in trouble.
    for field in ("level-low", "status-added", "nrm-referred", "owner_1"):
        assert f'href="#{field}"' in response.text and f'id="{field}"' in response.text
    assert 'value="An action with no owner"' in response.text  # what was typed is kept


@pytest.mark.parametrize(("day", "words"), [
    ("2026-12-05", "Saturday is not a meeting day"), ("2026-11-29", "Sunday is not a meeting day"),
    ("2026-12-25", "bank holiday (Christmas Day)"), ("2026-13-45", "is not a date"),
    ("yesterday", "is not a date")])
def test_agenda_for_a_day_without_a_meeting_is_a_clear_400_page(console: Console, day: str,
                                                                words: str) -> None:
    console.login("mo.member")
    response = console.client.get("/agenda", params={"day": day})
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
    assert words in response.text and "has taken place" not in response.text


def test_showing_an_agenda_places_nothing(console: Console) -> None:
    other_child = replace(base_spec(), name="Kerensa Fictional")
    drop(console.app.settings.maildir_path, email_with([("late.docx", build_form(other_child))],
                                                       sent_at=console.clock()))
    poll_once(console.app.poll_context())
    console.login("cora.coordinator")
    console.client.get("/agenda")
    with console.app.uow() as uow:
        assert uow.agenda.for_submission(2).state == "queued"
    token = console.csrf("/agenda")
    placed = console.client.post("/agenda/place", data={"csrf_token": token, "day": "2026-12-05"})
    assert placed.status_code == 400 and "Saturday" in placed.text
    with console.app.uow() as uow:
        assert uow.agenda.for_submission(2).state == "queued"


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


def test_the_record_rules_point_at_their_fields(console: Console) -> None:
    console.login("cora.coordinator")
    token = console.csrf("/submissions/1")
    response = console.client.post("/submissions/1/decision", data={
        "csrf_token": token, "level": "high", "case_status": "closed_after_review", "nrm": "referred",
        "due_1": "18/12/2026"})
    assert response.status_code == 422
    assert 'href="#due_1"' in response.text  # a date not written YYYY-MM-DD is refused first
    response = console.client.post("/submissions/1/decision", data={
        "csrf_token": token, "level": "high", "case_status": "closed_after_review", "nrm": "referred"})
    assert response.status_code == 422
    for field in ("level_rationale", "nrm_referral_date", "nrm_first_responder", "police_systems_updated"):
        assert f'href="#{field}"' in response.text and f'id="{field}"' in response.text, field
    assert "closure review" in response.text
    with console.app.uow() as uow:
        assert uow.agenda.for_submission(1).state == "on_agenda"


def test_changing_an_account_that_does_not_exist_says_so(console: Console) -> None:
    console.login("ada.admin")
    token = console.csrf("/users")
    for path in ("/users/999", "/users/999/sign-out"):
        response = console.client.post(path, data={"csrf_token": token, "role": "member"})
        assert response.status_code == 404 and "There is no such account" in response.text, path
        assert 'href="#new-username"' in response.text
