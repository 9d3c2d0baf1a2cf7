"""Every kind of email rendered in Debian's chromium at 600 px wide, as a narrow mail pane shows it.

Screenshots go to test-artifacts/messages/ (kept by CI as artefacts). The pre-check replies must
show what happens next and the whole must-fix list within the first 600 px, for the shared sample
with the most findings, the one with the most must-fix findings, and a tool with seven must-fix
findings. Skipped when chromium is missing, except in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.browser_support import ARGS, ARTIFACTS, CHROMIUM, need_chromium
from tests.message_kinds import all_messages, html_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTH = 600
FIRST_SCREEN = 600
SHOTS = ARTIFACTS / "messages"
MESSAGES = all_messages()
MUST_FIX_FIRST = [name for name in MESSAGES if name.startswith("precheck") and name != "precheck_clean"]


@pytest.fixture(scope="module")
def page() -> Iterator[object]:
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": WIDTH, "height": FIRST_SCREEN},
                                      java_script_enabled=False, offline=True)
        try:
            yield context.new_page()
        finally:
            browser.close()


def _show(page, name: str) -> None:
    page.set_content(html_of(MESSAGES[name]), wait_until="load")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("name", list(MESSAGES))
def test_each_message_renders_at_600px_without_sideways_scrolling(page, name):
    _show(page, name)
    assert (SHOTS / f"{name}.png").stat().st_size > 0
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= WIDTH, f"{name} is {scroll_width} px wide at {WIDTH} px"


@pytest.mark.parametrize("name", MUST_FIX_FIRST)
def test_precheck_shows_next_step_and_every_must_fix_point_in_the_first_600px(page, name):
    _show(page, name)
    notice = page.get_by_text("MAST CSE meeting on").first.bounding_box()
    assert notice is not None and notice["y"] + notice["height"] <= FIRST_SCREEN
    must_fix = page.locator("#must-fix")
    if must_fix.count() == 0:  # nothing to fix: the first list shown must still fit
        must_fix = page.locator("ol").first
    box = must_fix.bounding_box()
    assert box is not None
    bottom = box["y"] + box["height"]
    print(f"{name}: must-fix list ends at {bottom:.0f} px")
    assert bottom <= FIRST_SCREEN, f"{name}: the must-fix list ends at {bottom:.0f} px"


def test_the_case_note_shows_the_case_record_block(page):
    _show(page, "case_note")
    block = page.locator("#case-record")
    assert block.is_visible() and "Agreed risk level: Medium" in block.inner_text()


def test_the_seven_must_fix_reply_lists_all_seven_on_the_first_screen(page):
    _show(page, "precheck_seven_must_fix")
    items = page.locator("#must-fix li")
    assert items.count() == 7
    last = items.nth(6).bounding_box()
    assert last is not None and last["y"] + last["height"] <= FIRST_SCREEN
