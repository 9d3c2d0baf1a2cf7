"""The web console in a real browser: Debian's chromium driven by Playwright.

Covers signing in, the agenda, a submission with its findings marked in place, recording a
decision with the keyboard-usable form, and the case note reaching DATA_DIR/outbox/new. Screenshots
of the main pages are kept under test-artifacts/ (gitignored). Skipped when chromium is missing,
except in CI (CI=true), where a missing browser is a failure: .ci/services/chromium.sh installs it.
"""

from __future__ import annotations

import email
import email.policy
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mast_intake.bootstrap import App, bootstrap
from mast_intake.intake.poll import poll_once
from mast_intake.notifier.meetings import next_meeting_date, place_cases
from mast_intake.web import serve_in_background
from tests.fixtures.factory import ItemAnswer, base_spec, build_form, with_answers
from tests.mail_factory import drop, email_with
from tests.unit.web.conftest import PASSWORD, add_user, make_settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path(os.environ.get("MAST_TEST_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"Debian's chromium is not installed at {CHROMIUM} (.ci/services/chromium.sh installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Running:
    app: App
    base: str


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    _need_chromium()
    settings = make_settings(tmp_path)
    settings.web.port = _free_port()
    app = bootstrap(settings)
    spec = with_answers(base_spec(), unexplained_money_or_items=ItemAnswer(1, "Seen with CH again.", "bare"))
    drop(settings.maildir_path, email_with([("tool.docx", build_form(spec))]))
    poll_once(app.poll_context())
    with app.uow() as uow:
        place_cases(uow, next_meeting_date(app.clock(), settings), settings, app.clock())
        uow.commit()
    add_user(app, "cora.coordinator", "coordinator")
    thread = serve_in_background(app)
    try:
        yield Running(app, f"http://127.0.0.1:{settings.web.port}")
    finally:
        thread.server.should_exit = True  # type: ignore[attr-defined]
        thread.join(timeout=10)
        app.close()


@pytest.fixture
def page(running: Running):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        tab.set_default_timeout(15000)
        try:
            yield tab
        finally:
            context.close()
            browser.close()


def _case_notes(app: App) -> list[email.message.EmailMessage]:
    folder = app.settings.outbox_path / "new"
    messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in sorted(folder.glob("*"))] if folder.exists() else []
    return [m for m in messages if "MAST CSE decision" in str(m["Subject"])]  # type: ignore[misc]


def test_sign_in_agenda_submission_decision_and_case_note(running: Running, page) -> None:
    from playwright.sync_api import expect

    page.goto(f"{running.base}/agenda")
    expect(page).to_have_url(f"{running.base}/login?next=/agenda")
    page.get_by_label("User name").fill("cora.coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("MAST CSE meeting")
    expect(page.get_by_role("link", name="Morwenna Blyth")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "agenda.png"), full_page=True)

    page.get_by_role("link", name="Morwenna Blyth").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("MAST-1")
    row = page.locator("#item-unexplained_money_or_items")
    expect(row.locator("mark")).to_contain_text("CH")
    expect(row).to_contain_text("Should fix")
    expect(page.get_by_role("link", name="Download the original file")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "submission.png"), full_page=True)

    # Fields by name: the decision form's contract with mast_intake.web.app.read_decision_form.
    page.get_by_label("Medium", exact=True).check()
    page.locator("[name=level_rationale]").fill("Fictional rationale for the level.")
    page.locator("input[name=case_status][value=added]").check()
    page.get_by_label("Action 1", exact=True).fill("Safety plan review with the family")
    page.get_by_label("Owner of action 1").fill("Social worker")
    page.get_by_label("Discuss at VEMT Tier 1").check()
    page.locator("input[name=nrm][value=not_referred]").check()
    page.locator("[name=nrm_reason]").fill("Fictional reason for not referring.")
    page.get_by_label("Notes and further recommendations").fill("Discussed at MAST (fictional).")
    page.get_by_role("button", name="Save the decision and send the case note").click()
    expect(page.get_by_role("status")).to_contain_text("Decision D-1 recorded")
    expect(page.get_by_role("heading", name="MAST decisions")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "decision-recorded.png"), full_page=True)

    deadline = time.monotonic() + 15
    while not _case_notes(running.app) and time.monotonic() < deadline:
        time.sleep(0.2)
    notes = _case_notes(running.app)
    assert len(notes) == 1 and str(notes[0]["To"]) == "sam.worker@northyorks.gov.uk"
    text = notes[0].get_body(("plain",)).get_content()
    assert "Safety plan review with the family" in text and "Social worker" in text

    page.get_by_role("link", name="Every assessment for this child").click()
    expect(page.locator("svg[role=img]")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "child.png"), full_page=True)

    page.get_by_role("link", name="Find a child").click()
    page.get_by_label("Name, part of a name or an alias").fill("morwenna")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Morwenna Blyth")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)


def test_keyboard_only_sign_in(running: Running, page) -> None:
    from playwright.sync_api import expect

    page.goto(f"{running.base}/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.get_by_label("User name").focus()
    page.keyboard.type("cora.coordinator")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("MAST CSE meeting")
    page.screenshot(path=str(ARTIFACTS / "login-by-keyboard.png"), full_page=True)
