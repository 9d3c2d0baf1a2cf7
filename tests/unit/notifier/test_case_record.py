"""The case note's block for the child's record in the case management system."""

from __future__ import annotations

import html as html_lib
from datetime import date
from pathlib import Path

import pytest

from mast_intake.bootstrap import bootstrap
from mast_intake.config.settings import ConfigError, Settings, load_settings
from mast_intake.notifier.case_record import (
    CaseRecordTemplateError,
    case_record_template,
    render_case_record,
)
from mast_intake.notifier.compose import Envelope, compose_case_note
from mast_intake.notifier.views.case_note import ActionView
from tests.message_kinds import html_of, text_of
from tests.unit.notifier import view_factories as f

ENVELOPE = Envelope(sender="MAST <nymast@northyorks.gov.uk>", to=("pat@northyorks.gov.uk",))


def test_default_block_has_each_fact_on_its_own_line_in_order():
    view = f.case_note(notes="Two missing episodes this month.", actions=(
        ActionView("Invite police to the core group.", "Social worker", date(2026, 5, 18)),
        ActionView("Share the intelligence form.", "MAST police officer"),
    ))
    lines = render_case_record(view).splitlines()
    assert lines == [
        "MAST CSE decision (MAST-42)",
        "Date: 04/05/2026",
        "Meeting: MAST CSE meeting, 04/05/2026",
        "Agreed risk level: Medium",
        "Rationale: Two missing episodes this month.",
        "CSE case status: Added",
        "Actions:",
        "- Invite police to the core group. Owner: Social worker. Due: 18/05/2026.",
        "- Share the intelligence form. Owner: MAST police officer. Due: not set.",
        "NRM: " + view.nrm_text,
        "VEMT Tier 1: Yes",
        "Next review: 29/06/2026",
        "Recorded by: Sam Chair, MAST",
    ]


def test_no_actions_and_no_rationale_say_so():
    text = render_case_record(f.case_note(actions=(), notes="", vemt_tier1=False))
    assert "Actions:\n- None agreed.\n" in text
    assert "Rationale: None recorded." in text and "VEMT Tier 1: No" in text


def test_the_rationale_is_the_agreed_levels_when_one_was_recorded():
    # Decisions since the complete record (0004) keep the level's rationale apart from the notes.
    text = render_case_record(f.case_note(level_rationale="Fictional rationale.", notes="Fictional notes."))
    assert "Rationale: Fictional rationale.\n" in text


def test_case_note_carries_the_same_block_in_both_parts_escaped_in_html():
    view = f.case_note(notes='Seen with <b>older</b> males & "friends".')
    message = compose_case_note(view, ENVELOPE)
    block = render_case_record(view)
    assert block in text_of(message)
    html = html_of(message)
    assert html.index("<body") < html.index('<pre id="case-record"') < html.index("</body>")
    pre = html[html.index('<pre id="case-record"'):html.index("</pre>")]
    assert "<b>" not in pre and "&lt;b&gt;older&lt;/b&gt;" in pre
    assert html_lib.unescape(pre.split(">", 1)[1]).strip() == block.strip()


def test_a_configured_template_changes_the_note_and_the_console_text(tmp_path: Path):
    path = tmp_path / "record.j2"
    path.write_text("CSE {{ view.reference }} | {{ view.agreed_band_label }} | "
                    "{{ view.next_review|dmy }}\n", encoding="utf-8")
    template = case_record_template(str(path))
    view = f.case_note()
    assert render_case_record(view, template) == "CSE MAST-42 | Medium | 29/06/2026\n"
    text = text_of(compose_case_note(view, ENVELOPE, case_record=template))
    assert "CSE MAST-42 | Medium | 29/06/2026" in text and "Agreed risk level: Medium\nRationale" not in text


@pytest.mark.parametrize("content", [None, "{% for x in %}", b"\xff\xfe\x00bad"])
def test_an_unusable_template_is_a_configuration_error(tmp_path: Path, content):
    path = tmp_path / "record.j2"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(CaseRecordTemplateError) as caught:
        case_record_template(str(path))
    assert isinstance(caught.value, ConfigError)


def test_the_setting_is_read_and_checked_at_start(tmp_path: Path):
    bad = tmp_path / "bad.j2"
    bad.write_text("{% if %}", encoding="utf-8")
    settings = load_settings({"MAST_INTAKE_CASE_RECORD_TEMPLATE": str(bad),
                              "MAST_INTAKE_DATA_DIR": str(tmp_path / "data")})
    assert settings.case_record_template == str(bad)
    with pytest.raises(CaseRecordTemplateError):
        bootstrap(settings)
    assert not (tmp_path / "data").exists()
    assert Settings().case_record_template == ""
