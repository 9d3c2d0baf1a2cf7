"""Meeting mode, the agenda's filters and Word download, and error pages for bad addresses."""

from __future__ import annotations

import io

import docx
import pytest

from mast_intake.intake.poll import poll_once
from mast_intake.notifier.meetings import next_meeting_date, place_cases
from tests.fixtures.factory import build_form
from tests.mail_factory import drop, email_with
from tests.unit.web.conftest import Console, another_child


def _add_cases(console: Console, count: int, place: bool = True) -> None:
    app = console.app
    for number in range(count):
        tool = build_form(another_child(number))
        drop(app.settings.maildir_path, email_with([(f"other-{number}.docx", tool)], sent_at=console.clock()))
    poll_once(app.poll_context())
    if place:
        with app.uow() as uow:
            place_cases(uow, next_meeting_date(console.clock(), app.settings), app.settings, console.clock())
            uow.commit()


def _day(console: Console) -> str:
    return next_meeting_date(console.clock(), console.app.settings).isoformat()


def test_meeting_mode_shows_one_case_with_the_form_beside_it(console: Console) -> None:
    _add_cases(console, 2)
    console.login("cora.coordinator")
    day = _day(console)
    first = console.client.get(f"/meetings/{day}/chair")
    assert first.status_code == 200
    page = first.text
    assert "case 1 of 3, 0 decided" in page
    for words in ("Band to consider", "Must fix", "Worker's summary", "Protective factors", "Previous tool",
                  "Prompts", 'accesskey="n"', 'accesskey="s"', 'accesskey="d"', "Keyboard shortcuts"):
        assert words in page, words
    assert 'action="/submissions/' in page
    assert f'name="return_to" value="/meetings/{day}/chair?case=1"' in page
    numbers = [console.client.get(f"/meetings/{day}/chair?case={n}").text for n in (1, 2, 3)]
    assert 'rel="prev"' not in numbers[0] and 'rel="prev"' in numbers[1] and 'rel="next"' not in numbers[2]
    assert console.client.get(f"/meetings/{day}/chair?case=4").status_code == 404


def test_decide_and_defer_from_meeting_mode_return_to_it(console: Console) -> None:
    _add_cases(console, 1)
    console.login("cora.coordinator")
    day = _day(console)
    here = f"/meetings/{day}/chair?case=1"
    token = console.csrf(here)
    saved = console.client.post("/submissions/1/decision", data={
        "csrf_token": token, "level": "medium", "level_rationale": "Fictional rationale.",
        "case_status": "added", "nrm": "not_applicable", "return_to": here})
    assert saved.status_code == 303 and saved.headers["location"].startswith(here + "&recorded=")
    assert "1 decided" in console.client.get(here).text
    refused = console.client.post("/submissions/2/decision", data={
        "csrf_token": token, "return_to": f"/meetings/{day}/chair?case=2"})
    assert refused.status_code == 422 and "case 2 of 2" in refused.text
    assert 'href="#level-low"' in refused.text
    back = f"/meetings/{day}/chair?case=2"
    deferred = console.client.post("/submissions/2/defer", data={"csrf_token": token, "return_to": back})
    assert deferred.status_code == 303 and "deferred=2" in deferred.headers["location"]
    with console.app.uow() as uow:
        assert uow.agenda.for_submission(2).state == "deferred"
    assert console.audit(action="deferred")[0].actor == "cora.coordinator"
    agenda = console.client.get("/agenda").text
    assert "Decided: " in agenda and "Carried over" in agenda


def test_members_cannot_defer(console: Console) -> None:
    console.login("mo.member")
    token = console.csrf("/agenda")
    assert console.client.post("/submissions/1/defer", data={"csrf_token": token}).status_code == 403


def test_agenda_filters_sorts_and_shows_waiting_cases(console: Console) -> None:
    _add_cases(console, 1, place=False)
    console.login("mo.member")
    page = console.client.get("/agenda").text
    assert "1 case waiting to be placed on this agenda" in page and "Cases waiting to be placed" in page
    assert "sam.worker@northyorks.gov.uk" in page and "Worker's summary" in page
    assert "Download the agenda (Word)" in page and "Chair this meeting" in page
    assert "No cases match" in console.client.get("/agenda?band=high").text
    assert "Showing 1 of 1" in console.client.get("/agenda?band=medium&sort=score").text
    assert "Showing 0 of 1" in console.client.get("/agenda?kind=review").text
    assert console.client.get("/agenda?sort=nonsense").status_code == 400


def test_agenda_word_download_is_the_emailed_document(console: Console) -> None:
    console.login("mo.member")
    response = console.client.get(f"/agenda/{_day(console)}/agenda.docx")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    cells = " ".join(c.text for t in docx.Document(io.BytesIO(response.content)).tables for r in t.rows
                     for c in r.cells)
    assert "MAST-1" in text + cells


@pytest.mark.parametrize(("path", "status"), [
    ("/submissions/abc", 404),
    ("/submissions/9999999999999999999999", 404),
    ("/submissions/0", 404),
    ("/submissions/2147483647", 404),
    ("/children/abc", 404),
    ("/agenda?day=2026-13-45", 400),
    ("/agenda?day=yesterday", 400),
    ("/meetings/yesterday/chair", 400),
    ("/meetings/2026-13-45/chair", 400),
    ("/agenda/yesterday/agenda.docx", 400),
    ("/search?dob=not-a-date", 400),
    ("/no/such/page", 404),
])
def test_bad_addresses_get_an_html_error_page(console: Console, path: str, status: int) -> None:
    console.login("cora.coordinator")
    response = console.client.get(path)
    assert response.status_code == status, path
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1" in response.text and "Traceback" not in response.text and '"detail"' not in response.text


def test_a_crash_is_a_plain_page_and_a_log_line_without_a_traceback(console: Console, caplog,
                                                                    monkeypatch) -> None:
    console.login("mo.member")
    from mast_intake.web import pages

    def broken(*args, **kwargs):
        raise RuntimeError("words from a child's record")

    monkeypatch.setattr("mast_intake.web.routes.children.child_page", broken)
    assert pages  # the module the route normally uses
    response = console.client.get("/children/1")
    assert response.status_code == 500 and "Sorry, there is a problem" in response.text
    assert "words from a child" not in response.text
    line = next(r for r in caplog.records if r.getMessage() == "web request failed")
    assert line.error_kind == "RuntimeError" and line.exc_info is None


def test_deferring_a_deferred_case_says_where_it_is(console: Console) -> None:
    console.login("cora.coordinator")
    token = console.csrf("/submissions/1")
    assert console.client.post("/submissions/1/defer", data={"csrf_token": token}).status_code == 303
    again = console.client.post("/submissions/1/defer", data={"csrf_token": token})
    assert again.status_code == 409 and "already deferred to the meeting on" in again.text
    # The case stays on the meeting it was deferred from, marked with where it went.
    page = console.client.get(f"/agenda?day={_day(console)}").text
    assert "Deferred to " in page and "MAST-1" in page


def test_a_case_carried_to_a_meeting_can_be_placed_there(console: Console) -> None:
    console.login("cora.coordinator")
    token = console.csrf("/submissions/1")
    console.client.post("/submissions/1/defer", data={"csrf_token": token})
    with console.app.uow() as uow:
        target = uow.agenda.for_submission(1).meeting_date.isoformat()
    page = console.client.get(f"/agenda?day={target}").text
    assert "1 case carried over from an earlier meeting" in page and "Place the waiting cases" in page
    placed = console.client.post("/agenda/place", data={"csrf_token": token, "day": target})
    assert placed.status_code == 303
    with console.app.uow() as uow:
        assert uow.agenda.for_submission(1).state == "on_agenda"
