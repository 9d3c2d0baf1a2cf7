"""The meeting commands end to end in process: agenda, agenda place, decide, correct, defer."""

from __future__ import annotations

import email
import email.policy
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mast_intake.bootstrap import bootstrap
from mast_intake.cli import main
from mast_intake.config.settings import Settings
from mast_intake.notifier.meetings import next_meeting_date
from tests.fixtures.factory import base_spec, build_form
from tests.mail_factory import drop, email_with

DECIDE = ["--level", "medium", "--rationale", "Fictional rationale.", "--status", "added",
          "--action", "Fictional safety plan", "--owner", "Social worker", "--due", "2027-01-08",
          "--nrm", "not_referred", "--nrm-reason", "Fictional reason.", "--tier1", "--by", "Pat Chair",
          "--role", "MAST chair"]


class Cli:
    def __init__(self, root: Path) -> None:
        self.settings = Settings(data_dir=root / "var")

    def __call__(self, *args: str, ok: bool = True) -> Result:
        result = CliRunner().invoke(main, list(args), obj=self.settings)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    def send(self, name: str = "Morwenna Blyth") -> None:
        tool = build_form(replace(base_spec(), name=name))
        drop(self.settings.maildir_path, email_with([("tool.docx", tool)]))
        self("poll", "--once")

    def state(self, submission_id: int) -> str:
        app = bootstrap(self.settings)
        try:
            with app.uow() as uow:
                return uow.agenda.for_submission(submission_id).state
        finally:
            app.close()

    def current(self, submission_id: int):
        app = bootstrap(self.settings)
        try:
            with app.uow() as uow:
                return uow.decisions.current(uow.agenda.for_submission(submission_id).id)
        finally:
            app.close()

    def outbox(self) -> list[email.message.EmailMessage]:
        folder = self.settings.outbox_path / "new"
        return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in sorted(folder.glob("*"), key=lambda p: p.stat().st_mtime_ns)]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def next_saturday() -> date:
    today = date.today()
    return today + timedelta(days=(5 - today.weekday()) % 7 or 7)


def test_showing_an_agenda_never_changes_data(cli: Cli) -> None:
    cli.send()
    refused = cli("agenda", "--date", next_saturday().isoformat(), ok=False)
    assert refused.exit_code == 1 and "Saturday is not a meeting day" in refused.output
    shown = cli("agenda")
    assert "0 case(s)" in shown.output and "1 case(s) wait to be placed" in shown.output
    assert cli.state(1) == "queued"
    assert "1 case(s) placed" in cli("agenda", "place").output
    assert cli.state(1) == "on_agenda"
    assert cli("agenda", "place", "--date", next_saturday().isoformat(), ok=False).exit_code == 1


@pytest.mark.parametrize("day", ["2026-13-45", "yesterday"])
def test_an_invalid_date_is_a_clear_error(cli: Cli, day: str) -> None:
    result = cli("agenda", "--date", day, ok=False)
    assert result.exit_code == 2 and "is not a date" in result.output


def test_decide_with_mast_reference_and_the_complete_record(cli: Cli) -> None:
    cli.send()
    cli("agenda", "place")
    without = [a for a in DECIDE if a not in ("--rationale", "Fictional rationale.")]
    missing = cli("decide", "MAST-1", *without, ok=False)
    assert "rationale" in missing.output
    result = cli("decide", "MAST-1", *DECIDE)
    assert "Decision D-1 recorded for MAST-1" in result.output
    note = cli.outbox()[-1].get_body(("plain",)).get_content()
    assert "Decided by: Pat Chair (MAST chair)" in note and "Why this level: Fictional rationale." in note
    assert "by: Friday 8 January 2027" in note and "Reason: Fictional reason." in note
    again = cli("decide", "1", *DECIDE, ok=False)
    assert "it has been decided; record a correction" in again.output


def test_a_correction_needs_a_reason_and_keeps_what_it_does_not_change(cli: Cli) -> None:
    cli.send()
    cli("agenda", "place")
    cli("decide", "MAST-1", *DECIDE)
    no_reason = cli("correct", "MAST-1", "--level", "high", "--by", "Kim Chair", ok=False)
    assert no_reason.exit_code == 2 and "--reason" in no_reason.output
    cli("correct", "MAST-1", "--level", "high", "--reason", "The level agreed was high.", "--by", "Kim Chair")
    corrected = cli.current(1)
    assert corrected.level == "high" and corrected.correction_reason == "The level agreed was high."
    assert [a.text for a in corrected.actions] == ["Fictional safety plan"]
    assert corrected.nrm == "not_referred" and corrected.tier1 and corrected.level_rationale
    note = cli.outbox()[-1].get_body(("plain",)).get_content()
    assert "D-1" not in note and "case note for MAST-1 of" in note


def test_deferral_names_the_right_meetings(cli: Cli) -> None:
    cli.send()
    cli("agenda", "place")
    first = next_meeting_date(datetime.now(UTC), cli.settings)
    result = cli("defer", "MAST-1", "--by", "Pat Chair")
    assert f"from the meeting on {first.isoformat()}" in result.output
    twice = cli("defer", "1", "--by", "Pat Chair", ok=False)
    assert "already deferred to the meeting on" in twice.output and "not on a meeting" not in twice.output
    cases = [json.loads(line) for line in cli("agenda", "--json").stdout.splitlines()]
    assert [(c["reference"], c["state"], c["deferred_to"] is not None) for c in cases] == [
        ("MAST-1", "deferred", True)]


def test_deciding_a_replaced_tool_names_the_newer_one(cli: Cli) -> None:
    cli.send()
    cli.send()  # a second tool for the same child replaces the first before the meeting
    result = cli("decide", "MAST-1", *DECIDE, ok=False)
    assert "MAST-2" in result.output and "issue the agenda" not in result.output


def test_the_agenda_email_carries_the_word_agenda_once(cli: Cli) -> None:
    cli.send()
    cli("agenda", "place")
    cli("agenda", "--send")
    agenda = [m for m in cli.outbox() if m["To"] == cli.settings.mast_address]
    attachments = [part.get_filename() for part in agenda[0].iter_attachments()]
    assert len(agenda) == 1 and len(attachments) == 1 and attachments[0].endswith(".docx")


def test_export_to_an_existing_file_writes_no_audit_line(cli: Cli, tmp_path: Path) -> None:
    cli.send()
    existing = tmp_path / "taken.json"
    existing.write_text("kept")
    refused = cli("export-child", "--child-id", "1", "--by", "A. Officer", "--out", str(existing), ok=False)
    assert "already exists" in refused.output and existing.read_text() == "kept"
    app = bootstrap(cli.settings)
    try:
        with app.uow() as uow:
            assert uow.audit.list(action="exported") == []
    finally:
        app.close()
