"""What the browser tests share: a running console with fictional cases, Chromium, axe-core.

Debian's chromium (installed by .ci/services/chromium.sh) is driven by Playwright; nothing is
downloaded. axe-core comes inside the axe-playwright-python wheel and is injected into each page.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from mast_intake.bootstrap import App, bootstrap
from mast_intake.intake.poll import poll_once
from mast_intake.notifier.meetings import next_meeting_date, place_cases
from mast_intake.web import serve_in_background
from tests.fixtures.factory import ItemAnswer, base_spec, build_form, with_answers
from tests.mail_factory import drop, email_with
from tests.unit.web.conftest import PASSWORD, add_user, another_child, make_settings

CHROMIUM = Path(os.environ.get("MAST_TEST_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDTHS = (1280, 390)
# WCAG 2.2 AA and everything below it, as axe-core tags them.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def need_chromium() -> None:
    """Skip without Debian's chromium, except in CI, where it must be there."""
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

    @property
    def meeting_day(self) -> str:
        return next_meeting_date(self.app.clock(), self.app.settings).isoformat()


def start_console(tmp_path: Path, other_children: int = 0) -> Iterator[Running]:
    """A served console with one tool that has a finding, ``other_children`` more, and accounts."""
    need_chromium()
    settings = make_settings(tmp_path)
    settings.web.port = _free_port()
    app = bootstrap(settings)
    spec = with_answers(base_spec(), unexplained_money_or_items=ItemAnswer(1, "Seen with CH again.", "bare"))
    drop(settings.maildir_path, email_with([("tool.docx", build_form(spec))]))
    for number in range(other_children):
        drop(settings.maildir_path, email_with([(f"other-{number}.docx", build_form(another_child(number)))]))
    poll_once(app.poll_context())
    with app.uow() as uow:
        place_cases(uow, next_meeting_date(app.clock(), settings), settings, app.clock())
        uow.commit()
    add_user(app, "cora.coordinator", "coordinator")
    add_user(app, "ada.admin", "admin")
    thread = serve_in_background(app)
    try:
        yield Running(app, f"http://127.0.0.1:{settings.web.port}")
    finally:
        thread.server.should_exit = True  # type: ignore[attr-defined]
        thread.join(timeout=10)
        app.close()


@contextmanager
def browser_page(width: int = 1280, javascript: bool = True):  # noqa: ANN201 - yields a Playwright Page
    """A fresh Chromium tab ``width`` pixels wide, closed with its browser afterwards."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      java_script_enabled=javascript)
        tab = context.new_page()
        tab.set_default_timeout(15000)
        try:
            yield tab
        finally:
            context.close()
            browser.close()


def sign_in(page, base: str, username: str) -> None:  # noqa: ANN001 - a Playwright Page
    page.goto(f"{base}/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def axe_violations(page) -> list[str]:  # noqa: ANN001 - a Playwright Page
    """axe-core's WCAG 2.2 AA violations on the page, one readable line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]]


def screenshot(page, name: str) -> None:  # noqa: ANN001 - a Playwright Page
    width = page.viewport_size["width"] if page.viewport_size else 0
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
