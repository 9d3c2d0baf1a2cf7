"""Every page of the console in Chromium: axe-core finds no WCAG 2.2 AA violation at 1280 and 390 px,
and no page is wider than the window (reflow).

Screenshots of each page at both widths are kept under test-artifacts/ (gitignored; CI keeps it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mast_intake.intake.poll import poll_once
from tests.e2e.browser_support import (
    WIDTHS,
    Running,
    axe_violations,
    browser_page,
    screenshot,
    sign_in,
    start_console,
)
from tests.mail_factory import drop, email_with

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    root = tmp_path_factory.mktemp("a11y")
    yield from start_console(root, other_children=2)


def _quarantine_one(running: Running) -> None:
    settings = running.app.settings
    drop(settings.maildir_path, email_with([], sender="someone@outside.example"))
    poll_once(running.app.poll_context())


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_has_no_wcag_22_aa_violations(running: Running, width: int) -> None:
    from playwright.sync_api import expect

    _quarantine_one(running)
    base, day = running.base, running.meeting_day
    found: dict[str, list[str]] = {}
    with browser_page(width) as page:
        console_errors: list[str] = []
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

        def check(name: str) -> None:
            page.wait_for_load_state("load")
            found[name] = axe_violations(page)
            # WCAG 1.4.10 reflow, which axe cannot judge: nothing pushes the page sideways.
            if page.evaluate("document.documentElement.scrollWidth") > width:
                found[name].append("reflow: the page is wider than the window")
            screenshot(page, name)

        page.goto(f"{base}/login")
        check("sign-in")
        page.get_by_label("User name").fill("cora.coordinator")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        check("sign-in-error")
        sign_in(page, base, "cora.coordinator")
        for name, path in (("agenda", f"/agenda?day={day}"), ("meeting-mode", f"/meetings/{day}/chair"),
                           ("meeting-mode-case-2", f"/meetings/{day}/chair?case=2"),
                           ("submission", "/submissions/1"), ("child", "/children/1"),
                           ("search", "/search?name=morwenna"), ("password", "/account/password"),
                           ("not-found", "/submissions/9999999999999999999999"),
                           ("bad-date", "/agenda?day=2026-13-45"), ("reports", "/reports"),
                           ("reports-error", "/reports?start=not-a-date")):
            page.goto(base + path)
            check(name)
        # The running console is shared by both widths: each decides a case of its own.
        page.goto(f"{base}/submissions/{2 + WIDTHS.index(width)}")
        page.get_by_role("button", name="Save the decision and send the case note").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        check("decision-errors")
        # Decided: the history, the case-record block with its copy button, and the correction form.
        page.get_by_label("Low", exact=True).check()
        page.get_by_label("Rationale for the agreed level").fill("Fictional rationale.")
        page.get_by_label("Unchanged", exact=True).check()
        page.get_by_label("Not applicable", exact=True).check()
        page.get_by_role("button", name="Save the decision and send the case note").click()
        expect(page.get_by_role("button", name="Copy the case record text")).to_be_visible()
        check("submission-decided")
        page.goto(f"{base}/search?dob=not-a-date")
        check("search-error")
        page.get_by_role("button", name="Sign out").click()
        sign_in(page, base, "ada.admin")
        for name, path in (("quarantine", "/quarantine"), ("users", "/users")):
            page.goto(base + path)
            check(name)
        assert not [e for e in console_errors if "Content Security Policy" in e or "SyntaxError" in e]
    assert {name: v for name, v in found.items() if v} == {}
    assert len(found) == 18
    assert all((Path(__file__).resolve().parents[2] / "test-artifacts" / f"{name}-{width}.png").exists()
               for name in found)
