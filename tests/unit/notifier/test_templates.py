"""The message templates: every one renders as text and HTML, safely and in plain words."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from importlib import resources

import pytest
from jinja2 import UndefinedError

from mast_intake.models.finding import Finding, Severity
from mast_intake.notifier.compose import environment, render
from mast_intake.notifier.views.alerts import AlertView
from mast_intake.notifier.views.findings import FindingView, group_findings
from mast_intake.notifier.views.labels import greeting_name
from mast_intake.notifier.views.rejections import NO_ATTACHMENT, RejectedFileView
from mast_intake.parsers.rejections import REASONS
from tests.unit.notifier import view_factories as f

TEMPLATE_NAMES = ("precheck", "rejection", "agenda", "case_note", "reminder", "alert")

BANNED = (
    "promiscuous",
    "prostitut",
    "lifestyle choice",
    "sex worker",
    "putting herself at risk",
    "putting himself at risk",
    "putting themselves at risk",
    "consensual",
    "willingly",
    "risky behaviour",
    "attention seeking",
    "attention-seeking",
    "liar",
    "tell lies",
    "manipulative",
)

NASTY = 'Amy & <Jo> "Bo" O\'Neil'


def views():
    """One view of each kind, plus the variants, with fictional data."""
    return {
        "precheck": f.precheck(),
        "precheck_clean": f.precheck(findings=()),
        "rejection": f.rejection(),
        "rejection_none": f.rejection(files=(), no_attachment=True),
        "agenda": f.agenda(),
        "agenda_empty": f.agenda(cases=()),
        "case_note": f.case_note(),
        "case_note_correction": f.case_note(corrects="SUB-2026-0040", correction_reason="Typo."),
        "reminder": f.reminder(),
        "reminder_escalation": f.reminder(escalation=True, reminded_on=date(2026, 4, 28)),
        "alert": f.alert(),
    }


def template_for(key: str) -> str:
    """The template name behind a views() key."""
    return next(name for name in TEMPLATE_NAMES if key.startswith(name))


def text_of(html: str) -> str:
    """HTML reduced to its visible words."""
    without_style = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", without_style))


@pytest.mark.parametrize("key", list(views()))
def test_every_view_renders_text_and_html(key):
    text, html = render(template_for(key), views()[key])
    assert text.strip() and "{{" not in text and "{%" not in text
    assert html.lstrip().startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert '<html lang="en-GB">' in html
    assert "\n\n\n" not in text


def test_every_template_has_text_and_html_files():
    folder = resources.files("mast_intake.notifier").joinpath("templates")
    files = {p.name for p in folder.iterdir()}
    for name in TEMPLATE_NAMES:
        assert f"{name}.txt.j2" in files and f"{name}.html.j2" in files


def test_environment_is_built_once_with_autoescape_and_strict_undefined():
    env = environment()
    assert env is environment()
    assert env.autoescape("precheck.html.j2") is True
    assert env.autoescape("precheck.txt.j2") is False
    with pytest.raises(UndefinedError):
        env.get_template("precheck.txt.j2").render(view=object())


# --- escaping --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["precheck", "agenda", "case_note", "reminder", "reminder_escalation"],
)
def test_html_escapes_child_name(key):
    view = views()[key]
    if key == "agenda":
        view = replace(view, cases=(replace(view.cases[0], child_name=NASTY),))
    else:
        view = replace(view, child_name=NASTY)
    text, html = render(template_for(key), view)
    assert NASTY in text
    assert "<Jo>" not in html
    assert "Amy &amp; &lt;Jo&gt; &#34;Bo&#34; O&#39;Neil" in html


def test_html_escapes_worker_words_file_names_and_actions():
    quoted = 'she said "<b>fine</b>" & left'
    pre = f.precheck(
        file_name="<script>alert(1)</script>.docx",
        worker_name="Pat <Example>",
        findings=(f.finding("X", Severity.MUST_FIX, excerpt=quoted),),
    )
    _, html = render("precheck", pre)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>fine</b>" not in html and "&lt;b&gt;fine&lt;/b&gt;" in html
    note = f.case_note(actions=(f.ActionView("Meet <today> & plan", "SW & police"),))
    _, html = render("case_note", note)
    assert "Meet &lt;today&gt; &amp; plan" in html and "SW &amp; police" in html


# --- pre-check -------------------------------------------------------------------------------


def test_findings_grouped_and_ordered_by_severity():
    text, html = render("precheck", f.precheck())
    for body in (text, text_of(html)):
        headings = ("Must fix (2)", "Should fix (1)", "Advice (1)")
        must, should, advice = (body.index(h) for h in headings)
        assert must < should < advice
        assert must < body.index("MUST_ONE") < body.index("MUST_TWO") < should
        assert should < body.index("SHOULD_ONE") < advice < body.index("ADVICE_ONE")


def test_each_finding_is_one_line_of_label_short_fix_and_quote_without_the_long_texts():
    text, html = render("precheck", f.precheck(findings=(
        f.finding("MUST_TWO", Severity.MUST_FIX, short_fix="Do the short thing."),)))
    line = 'Periods of going missing overnight or longer: Do the short thing. "words quoted for MUST_TWO"'
    assert "1. " + line in text.splitlines()
    curly = line.replace('"', "\u201c", 1).replace('"', "\u201d")
    assert curly in " ".join(text_of(html).split())
    for body in (text, text_of(html)):
        # The guide's words and the long fix live in the review copy's Word comments.
        assert "Guide sentence for MUST_TWO." not in body
        assert "How to fix MUST_TWO." not in body


def test_long_quotes_are_cut_to_one_line():
    words = "went out with friends and came home late on many nights " * 4
    text, _ = render("precheck", f.precheck(findings=(f.finding("M", Severity.MUST_FIX, excerpt=words),)))
    line = next(line for line in text.splitlines() if line.startswith("1. "))
    assert line.endswith('..."') and len(line) < 160


def test_the_review_copy_is_named_in_one_sentence():
    text, html = render("precheck", f.precheck(review_copy_name="risk tool v2 - MAST review.docx"))
    for body in (text, text_of(html)):
        sentence = next(s for s in body.split("\n") if "MAST review.docx" in s)
        assert "Word comment" in sentence and "how to put it right" in sentence
    text, _ = render("precheck", f.precheck())
    assert "MAST review.docx" not in text


def test_group_findings_skips_empty_groups_and_keeps_order():
    groups = group_findings([f.finding("B", Severity.ADVICE), f.finding("A", Severity.ADVICE)])
    assert [g.heading for g in groups] == ["Advice"]
    assert [x.code for x in groups[0].findings] == ["B", "A"]


def test_must_fix_asks_for_a_corrected_tool_and_says_it_stays_on_the_agenda():
    text, html = render("precheck", f.precheck())
    for body in (text, text_of(html)):
        assert "please fix 2 points and send the tool again" in body.lower()
        assert "waiting for a corrected tool" in body
        assert body.index("Monday 4 May 2026 at 09:30") < body.index("Must fix (2)")


def test_no_must_fix_does_not_ask_for_correction():
    findings = (f.finding("S", Severity.SHOULD_FIX), f.finding("A", Severity.ADVICE))
    view = f.precheck(findings=findings)
    text, html = render("precheck", view)
    assert "corrected tool" not in text.lower()
    assert "corrected tool" not in text_of(html).lower()
    clean_text, _ = render("precheck", f.precheck(findings=()))
    assert "We found nothing to change" in clean_text


def test_score_mismatch_is_shown_clearly():
    view = f.precheck(score=f.score(stated=14, computed=9))
    text, html = render("precheck", view)
    for body in (text, text_of(html)):
        assert "You gave a total of 14. We counted 9" in body
        assert "Medium" in body and "Low" in body
        assert "Your tool gives the risk level as Medium. Our count gives Low." in body


def test_band_only_mismatch_is_shown():
    view = f.precheck(score=f.score(stated=9, computed=9, stated_band="high"))
    text, _ = render("precheck", view)
    assert "You gave a total" not in text
    assert "Your tool gives the risk level as High. Our count gives Low." in text
    assert "say why in the summary" in text


def test_matching_score_says_so_and_missing_total_is_not_given():
    text, _ = render("precheck", f.precheck())
    assert "match our count" in text
    text, _ = render("precheck", f.precheck(score=f.score(stated=None, computed=5)))
    assert "On your tool: total not given, risk level Not given" in text


def test_precheck_names_meeting_and_joining_by_phone():
    text, html = render("precheck", f.precheck())
    for body in (text, text_of(html)):
        assert "Monday 4 May 2026 at 09:30" in body
        assert "MAST agrees the risk level at the meeting" in body
        assert "join the meeting by phone" in body


def test_precheck_lists_other_files_that_could_not_be_read():
    view = f.precheck(rejected_files=(RejectedFileView.for_reason("old.doc", "legacy_doc"),))
    text, _ = render("precheck", view)
    assert "old.doc" in text and REASONS["legacy_doc"] in text


def test_finding_view_from_model_finding():
    model = Finding("NO_RATIONALE", "missing_overnight", Severity.MUST_FIX, "No reason given.", "1")
    view = FindingView.from_finding(model, summary="Score without a reason", how_to_fix="Add one.")
    assert view.item_label == "Periods of going missing overnight or longer"
    assert view.must_fix and view.summary == "Score without a reason" and view.excerpt == "1"


# --- rejection -------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [*REASONS, NO_ATTACHMENT])
def test_rejection_renders_every_reason_with_its_message(reason):
    if reason == NO_ATTACHMENT:
        view = f.rejection(files=(), no_attachment=True)
        expected = view.no_attachment_message
    else:
        view = f.rejection(files=(RejectedFileView.for_reason("tool.bin", reason),))
        expected = REASONS[reason]
    text, html = render("rejection", view)
    assert expected in text
    assert html_lib.escape(expected, quote=True) in html or expected in text_of(html)
    if reason != NO_ATTACHMENT:
        assert "tool.bin" in text


def test_sender_not_allowed_is_never_replied_to():
    with pytest.raises(ValueError):
        RejectedFileView.for_reason("x.docx", "sender_not_allowed")
    with pytest.raises(ValueError):
        RejectedFileView.for_reason("x.docx", "made_up")
    with pytest.raises(ValueError):
        f.rejection(files=(), no_attachment=False)


# --- agenda ----------------------------------------------------------------------------------


def test_agenda_text_lists_cases_in_order_with_prompts():
    text, html = render("agenda", f.agenda())
    for body in (text, text_of(html)):
        refs = ("H-NEW", "H-REV", "M-NEW", "L-REV")
        positions = [body.index(f"{ref}: Child {ref}") for ref in refs]
        assert positions == sorted(positions)
        assert "National Referral Mechanism" in body
        assert "transition plan" in body
        assert "leaving care case worker" in body
        assert "asks to close the case" in body
        assert "Deferred from the meeting on Friday 1 May 2026" in body
        assert "Awaiting a corrected tool" in body
        assert "Up from 14 (medium) to 20 (high)" in body and "Down from 8 (low) to 3 (low)" in body
        assert "Selby Children and Families" in body
        assert "Monday 15 June 2026" in body
    assert "[MUST FIX] TOTAL_MISMATCH" in text
    assert "DIFFERS FROM THE TOOL" in text
    assert "[Must fix]" in html


def test_empty_agenda_says_so():
    text, _ = render("agenda", f.agenda(cases=()))
    assert "No risk tools are waiting" in text


# --- case note -------------------------------------------------------------------------------


def test_case_note_carries_the_decision():
    text, html = render("case_note", f.case_note())
    for body in (text, text_of(html)):
        assert "Agreed risk level" in body and "Medium" in body
        assert "Added" in body and "CSE case status added" not in body
        assert "Invite police to the next core group." in body and "Social worker" in body
        assert "Monday 18 May 2026" in body and "no date agreed" in body  # the actions' "By"
        assert "Referral made Monday 4 May 2026; first responder: Fictional First Responder" in body
        assert "MAST police officer" in body
        assert "discussed at VEMT Tier 1" in body
        assert "National Referral Mechanism" in body
        assert "Monday 29 June 2026" in body
        assert "Sam Chair, MAST" in body
        assert "CORRECTION" not in body


def test_case_note_says_the_case_status_once():
    text, _ = render("case_note", f.case_note())
    assert "CSE case status: Added\n" in text


def test_case_note_correction_is_marked_first():
    reason = "The level was recorded wrongly."
    view = f.case_note(corrects="SUB-2026-0040", correction_reason=reason)
    text, html = render("case_note", view)
    assert text.startswith("CORRECTION")
    assert "SUB-2026-0040" in text and "Why it was corrected: The level was recorded wrongly." in text
    body = text_of(html)
    assert "CORRECTION" in body and body.index("CORRECTION") < body.index("Dear")


def test_case_note_rejects_unknown_values():
    with pytest.raises(ValueError):
        f.case_note(case_status="maybe")
    with pytest.raises(ValueError):
        f.case_note(nrm_decision="perhaps")
    with pytest.raises(ValueError):
        f.case_note(agreed_band="severe")


# --- reminders and alerts --------------------------------------------------------------------


def test_reminder_and_escalation():
    text, _ = render("reminder", f.reminder())
    assert "is due for review" in text and "7 days ago" in text and "every 8 weeks" in text
    text, _ = render("reminder", f.reminder(escalation=True, reminded_on=date(2026, 4, 28)))
    assert "To the MAST team" in text and "still overdue" in text
    assert "Tuesday 28 April 2026" in text and "pat.example@northyorks.gov.uk" in text


def test_alert_has_no_child_data_and_refuses_free_text():
    text, html = render("alert", f.alert())
    assert "corrupt: 2" in text and "MAST-44" in text
    for word in ("Child:", f.CHILD, "Dear"):
        assert word not in text and word not in text_of(html)
    with pytest.raises(ValueError):
        AlertView("quarantined", datetime(2026, 5, 4, tzinfo=UTC), ids=("Tilly Fictional",))
    with pytest.raises(ValueError):
        AlertView("quarantined", datetime(2026, 5, 4, tzinfo=UTC), reasons=(("bad file", 1),))
    with pytest.raises(ValueError):
        AlertView("child_found", datetime(2026, 5, 4, tzinfo=UTC))


def test_greeting_name():
    assert greeting_name("Pat Example (Selby Children and Families)") == "Pat Example"
    assert greeting_name("Example, Pat - Selby") == "Pat Example"
    assert greeting_name("") == "colleague"


# --- language --------------------------------------------------------------------------------


def test_templates_never_use_judgemental_words():
    folder = resources.files("mast_intake.notifier").joinpath("templates")
    for path in folder.iterdir():
        if path.name.endswith(".j2"):
            content = path.read_text(encoding="utf-8").lower()
            for word in BANNED:
                assert word not in content, f"{word!r} in {path.name}"


def test_view_texts_never_use_judgemental_words():
    # The views' fixed phrases (prompts, decisions, titles) are checked too.
    folder = resources.files("mast_intake.notifier").joinpath("views")
    sources = [path.read_text().lower() for path in folder.iterdir() if path.name.endswith(".py")]
    assert len(sources) > 1
    for word in BANNED:
        assert not [source for source in sources if word in source], word


@pytest.mark.parametrize("key", list(views()))
def test_rendered_messages_never_use_judgemental_words(key):
    text, html = render(template_for(key), views()[key])
    for body in (text.lower(), text_of(html).lower()):
        for word in BANNED:
            assert word not in body, word
