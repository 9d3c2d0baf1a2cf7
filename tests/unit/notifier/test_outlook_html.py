"""The HTML parts use only what Outlook's Word-based renderer shows as meant, and stay small.

Outlook for Windows lays out HTML with Word: tables work, inline styles work, CSS layout does
not (no flex, grid, float, positioning, max-width), and <q> gets no quotation marks. Each
message's HTML must also stay under 40 KB, below the size at which some clients clip it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.message_kinds import all_messages, html_of

MAX_HTML_BYTES = 40 * 1024

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "p", "br", "strong", "b", "em", "i", "span",
    "a", "h1", "h2", "h3", "table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "li", "pre",
    "section", "div", "hr",
}
ALLOWED_PROPERTIES = {
    "font-family", "font-size", "font-weight", "font-style", "line-height", "color",
    "background-color", "text-align", "vertical-align", "white-space", "border", "border-top",
    "border-bottom", "border-left", "border-right", "border-collapse", "padding", "padding-top",
    "padding-left", "margin", "margin-top", "width",
}
"""CSS properties Word's renderer honours; anything else (display, float, position, flex, grid,
max-width, ...) is either ignored by Outlook or lays the message out differently there."""
REPLIES = ("precheck", "rejection")
"""Messages whose every table cell carries its own inline style (the rest rely on the style block)."""

MESSAGES = all_messages()


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.style_blocks: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style_blocks.append(data)


def _properties(css: str) -> set[str]:
    declarations = re.sub(r"[^{}]*\{([^}]*)\}", r"\1;", css) if "{" in css else css
    return {part.split(":", 1)[0].strip().lower() for part in declarations.split(";") if ":" in part}


def _collect(name: str) -> _Collector:
    collector = _Collector()
    collector.feed(html_of(MESSAGES[name]))
    return collector


@pytest.mark.parametrize("name", list(MESSAGES))
def test_html_is_under_40_kb(name):
    size = len(html_of(MESSAGES[name]).encode("utf-8"))
    assert size < MAX_HTML_BYTES, f"{name}: {size} bytes"


@pytest.mark.parametrize("name", list(MESSAGES))
def test_only_tags_and_styles_outlook_renders(name):
    found = _collect(name)
    assert {tag for tag, _ in found.tags} <= ALLOWED_TAGS, name
    used = set()
    for _, attrs in found.tags:
        used |= _properties(attrs.get("style") or "")
    for block in found.style_blocks:
        assert "@media" not in block and "@import" not in block
        used |= _properties(block)
    assert used <= ALLOWED_PROPERTIES, (name, used - ALLOWED_PROPERTIES)


@pytest.mark.parametrize("name", list(MESSAGES))
def test_nothing_is_fetched_or_run(name):
    for tag, attrs in _collect(name).tags:
        assert tag not in {"script", "img", "link", "iframe", "object"}
        href = attrs.get("href") or ""
        assert not href or href.startswith("mailto:"), (name, href)


@pytest.mark.parametrize("name", [n for n in MESSAGES if n.startswith(REPLIES)])
def test_replies_style_every_cell_inline(name):
    cells = [attrs for tag, attrs in _collect(name).tags if tag in {"td", "th", "table"}]
    assert cells, name
    assert all(attrs.get("style") for attrs in cells), name


def test_the_check_catches_css_layout():
    assert _properties("div { display: flex; max-width: 40em }") == {"display", "max-width"}
    assert not {"float"} <= ALLOWED_PROPERTIES
