"""The web console in a real browser: Debian's chromium driven by Playwright.

Signing in, the agenda, a submission with its findings marked in place, recording a decision and
the case note reaching DATA_DIR/outbox/new; a whole meeting run from meeting mode with the keyboard
alone; and the console with JavaScript switched off. Screenshots go to test-artifacts/ (gitignored).
Skipped when chromium is missing, except in CI (CI=true): .ci/services/chromium.sh installs it.
"""

from __future__ import annotations

import email
import email.policy
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mast_intake.bootstrap import App
from tests.e2e.browser_support import ARTIFACTS, Running, browser_page, screenshot, sign_in, start_console
from tests.unit.web.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    yield from start_console(tmp_path, other_children=2)


@pytest.fixture
def page(running: Running):  # noqa: ANN201 - a Playwright Page
    with browser_page(1280) as tab:
        yield tab


def _case_notes(app: App) -> list[email.message.EmailMessage]:
    folder = app.settings.outbox_path / "new"
    messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in sorted(folder.glob("*"))] if folder.exists() else []
    return [m for m in messages if "MAST CSE decision" in str(m["Subject"])]  # type: ignore[misc]


def _wait_for_notes(app: App, count: int) -> list[email.message.EmailMessage]:
    deadline = time.monotonic() + 15
    while len(_case_notes(app)) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return _case_notes(app)


def test_sign_in_agenda_submission_decision_and_case_note(running: Running, page) -> None:
    from playwright.sync_api import expect

    page.goto(f"{running.base}/agenda")
    expect(page).to_have_url(f"{running.base}/login?next=/agenda")
    page.get_by_label("User name").fill("cora.coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("MAST CSE meeting")
    page.get_by_role("link", name="Morwenna Blyth").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("MAST-1")
    row = page.locator("#item-unexplained_money_or_items")
    expect(row.locator("mark")).to_contain_text("CH")
    expect(row).to_contain_text("Should fix")
    expect(page.get_by_role("link", name="Download the original file")).to_be_visible()

    # Fields by name: the decision form's contract with mast_intake.web.decision_form.parse_decision_form.
    page.get_by_label("Medium", exact=True).check()
    page.locator("[name=level_rationale]").fill("Fictional rationale for the level.")
    page.locator("input[name=case_status][value=added]").check()
    page.get_by_label("Action 1", exact=True).fill("Safety plan review with the family")
    page.get_by_label("Owner of action 1").fill("Social worker")
    page.get_by_label("Due date of action 1").fill("2026-12-18")
    page.get_by_label("Police systems updated").check()
    page.locator("[name=police_updated_by]").fill("Fictional Officer")
    page.get_by_label("Discuss at VEMT Tier 1").check()
    page.locator("input[name=nrm][value=not_referred]").check()
    page.locator("[name=nrm_reason]").fill("Fictional reason for not referring.")
    page.get_by_label("Notes and further recommendations").fill("Discussed at MAST (fictional).")
    page.get_by_role("button", name="Save the decision and send the case note").click()
    expect(page.get_by_role("alert")).to_contain_text("Decision D-1 recorded")
    expect(page.get_by_role("heading", name="MAST decisions")).to_be_visible()
    # The case-record block, with its copy button shown by the script.
    record = page.get_by_label("Case record text")
    expect(record).to_contain_text("Safety plan review with the family")
    expect(page.get_by_role("button", name="Copy the case record text")).to_be_visible()
    # A correction starts from the decision standing.
    expect(page.locator("[name=level_rationale]")).to_have_value("Fictional rationale for the level.")
    screenshot(page, "decision-recorded")

    notes = _wait_for_notes(running.app, 1)
    assert len(notes) == 1 and str(notes[0]["To"]) == "sam.worker@northyorks.gov.uk"
    text = notes[0].get_body(("plain",)).get_content()
    assert "Safety plan review with the family" in text and "Social worker" in text
    assert "Fictional Officer" in text and "Fictional reason for not referring." in text

    page.get_by_role("link", name="Every assessment for this child").click()
    expect(page.locator("svg[role=img]")).to_be_visible()


def _tab_to(page, selector: str, limit: int = 80) -> None:  # noqa: ANN001 - a Playwright Page
    """Press Tab until the element matching ``selector`` has the focus (the keyboard, no mouse)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_whole_meeting_from_meeting_mode_with_the_keyboard_alone(running: Running, page) -> None:
    from playwright.sync_api import expect

    page.goto(f"{running.base}/login?next=/meetings/{running.meeting_day}/chair")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    _tab_to(page, "#username")
    page.keyboard.type("cora.coordinator")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#progress")).to_have_text("case 1 of 3, 0 decided")
    screenshot(page, "keyboard-meeting-start")

    for number in (1, 2):
        _tab_to(page, "#level-low")
        page.keyboard.press("ArrowDown")  # radios move with the arrow keys: Medium
        page.keyboard.press("Tab")
        page.keyboard.type("Fictional rationale")
        _tab_to(page, "#status-added")
        page.keyboard.press("Space")
        _tab_to(page, "#action_1")
        page.keyboard.type(f"Strategy discussion {number} (fictional)")
        page.keyboard.press("Tab")
        page.keyboard.type("Team manager")
        page.keyboard.press("Tab")
        page.keyboard.type("2026-12-18")
        _tab_to(page, "#nrm-referred")
        page.keyboard.press("ArrowDown")  # considered, not referred: which needs the reason
        _tab_to(page, "#nrm_reason")
        page.keyboard.type("Fictional reason")
        _tab_to(page, "button[accesskey=s]")
        page.keyboard.press("Enter")
        expect(page.locator("#progress")).to_have_text(f"case {number} of 3, {number} decided")
        _tab_to(page, "a[rel=next]")
        page.keyboard.press("Enter")
        expect(page.locator("#progress")).to_contain_text(f"case {number + 1} of 3")

    _tab_to(page, "button[accesskey=d]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("carried to the next meeting")
    _tab_to(page, "a[accesskey=a]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("MAST CSE meeting")
    screenshot(page, "keyboard-meeting-end")

    with running.app.uow() as uow:
        states = sorted(uow.agenda.for_submission(n).state for n in (1, 2, 3))
    assert states == ["decided", "decided", "deferred"]
    assert len(_wait_for_notes(running.app, 2)) == 2


def test_the_console_works_with_javascript_off(running: Running) -> None:
    from playwright.sync_api import expect

    with browser_page(1280, javascript=False) as page:
        sign_in(page, running.base, "cora.coordinator")
        expect(page.get_by_role("heading", level=1)).to_contain_text("MAST CSE meeting")
        page.goto(f"{running.base}/submissions/1")
        # Without the script the accordion is simply open: every section can be read.
        assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')") is False
        expect(page.locator("#item-unexplained_money_or_items")).to_be_visible()
        page.get_by_label("High", exact=True).check()
        page.get_by_label("Rationale for the agreed level").fill("Fictional rationale.")
        page.get_by_label("Unchanged", exact=True).check()
        page.get_by_label("Not applicable", exact=True).check()
        page.get_by_role("button", name="Save the decision and send the case note").click()
        expect(page.get_by_role("alert")).to_contain_text("recorded")
        # The case record is readable text to copy by hand; the copy button needs the script.
        expect(page.get_by_label("Case record text")).to_contain_text("Agreed risk level: High")
        expect(page.locator("button[data-copy]")).to_be_hidden()
        page.goto(f"{running.base}/agenda?band=medium")
        expect(page.get_by_role("link", name="Chair this meeting")).to_be_visible()
        screenshot(page, "javascript-off-agenda")
        # Printed, the agenda keeps its cases and drops menus, filters and buttons.
        page.emulate_media(media="print")
        expect(page.locator("#cases")).to_be_visible()
        for hidden in (".console-filters", ".govuk-service-navigation", "text=Chair this meeting"):
            expect(page.locator(hidden).first).to_be_hidden()
        page.pdf(path=str(ARTIFACTS / "agenda-print.pdf"))


def test_the_accordion_collapses_with_javascript_on(running: Running, page) -> None:
    from playwright.sync_api import expect

    sign_in(page, running.base, "cora.coordinator")
    page.goto(f"{running.base}/submissions/2")
    expect(page.get_by_role("button", name="Show all sections")).to_be_visible()
    assert page.locator("#tool-sections-content-1").is_hidden()
    page.get_by_role("button", name="Show all sections").click()
    expect(page.locator("#tool-sections-content-1")).to_be_visible()
