"""`mast-intake agenda`, `decide`, `defer` and `remind`: the MAST CSE meeting from the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from mast_intake.cli import main
from mast_intake.cli.service import app_of
from mast_intake.models.reference import case_reference, submission_id_of
from mast_intake.notifier.agenda_docx import build_agenda_docx
from mast_intake.notifier.decisions import DecisionError, DecisionInput, record_decision
from mast_intake.notifier.meetings import agenda_for, next_meeting_date, place_cases, queue_agenda_email
from mast_intake.notifier.reminders import queue_reminders
from mast_intake.scheduler import send_outbox


class CaseReference(click.ParamType):
    """A case given as its reference ("MAST-42") or its number ("42")."""

    name = "MAST-ID"

    def convert(self, value, param, ctx) -> int:
        """The submission id the reference names."""
        if isinstance(value, int):
            return value
        try:
            return submission_id_of(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


CASE = CaseReference()


@main.command()
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]),
              help="The meeting date (YYYY-MM-DD); the next meeting by default.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per case, one per line.")
@click.option("--docx", "docx_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the agenda as a Word document to this path.")
@click.option("--send", "send_it", is_flag=True,
              help="Email the agenda (with the Word document) to the MAST mailbox, once per meeting.")
@click.pass_context
def agenda(ctx: click.Context, day, as_json: bool, docx_path: Path | None, send_it: bool) -> None:
    """Build the agenda of a MAST CSE meeting and print it.

    Every queued case received before the meeting's cut-off (and every deferred case) is placed
    on the meeting, in order: high, then medium, then low; new cases before reviews. Cases must
    be on an agenda before a decision can be recorded. The scheduled service does the same at
    the cut-off and sends the agenda to MAST.
    """
    app = app_of(ctx)
    now = app.clock()
    meeting_day: date = day.date() if day else next_meeting_date(now, app.settings)
    with app.uow() as uow:
        place_cases(uow, meeting_day, app.settings)
        view, cases = agenda_for(uow, meeting_day, app.settings, now)
        if send_it:
            queue_agenda_email(uow, view, meeting_day, app.settings)
        uow.commit()
    if send_it:
        send_outbox(app)
    if docx_path:
        docx_path.write_bytes(build_agenda_docx(view))
    if as_json:
        for case in cases:
            click.echo(json.dumps(case.to_dict(), ensure_ascii=False))
        return
    click.echo(f"MAST CSE meeting {meeting_day.isoformat()} at {app.settings.meeting.time}: "
               f"{len(cases)} case(s)")
    for number, case in enumerate(cases, start=1):
        facts = case.to_dict()
        click.echo(
            f"{number:>2}. [{facts['consider_category'].upper()}] {facts['kind']} "
            f"{case_reference(facts['submission_id'])} {facts['child_name']} (age {facts['child_age']}), "
            f"{facts['worker']}{'' if facts['sender_verified'] else ' (sender not verified)'}; "
            f"stated {facts['stated_total']} ({facts['stated_category']}), "
            f"recomputed {facts['computed_total']} ({facts['computed_category']})"
        )
        if facts["findings"]:
            click.echo(f"      findings: {', '.join(facts['findings'])}")
        for prompt in facts["prompts"]:
            click.echo(f"      prompt: {prompt}")
    if docx_path:
        click.echo(f"Word agenda written to {docx_path}")


@main.command()
@click.argument("submission_id", type=CASE)
@click.option("--level", type=click.Choice(["low", "medium", "high"]), required=True,
              help="The risk level MAST agreed.")
@click.option("--status", "case_status", type=click.Choice(["added", "removed", "unchanged"]),
              required=True, help="The CSE case status.")
@click.option("--action", "actions", multiple=True, help="A recommendation or action (repeatable).")
@click.option("--owner", "owners", multiple=True, help="Who owns the action given in the same position.")
@click.option("--tier1", is_flag=True, help="The child is to be discussed at VEMT Tier 1.")
@click.option("--nrm", type=click.Choice(["yes", "no", "considered"]), default="no", show_default=True,
              help="The National Referral Mechanism decision.")
@click.option("--notes", default="", help="Further recommendations or words from the meeting.")
@click.option("--correction-reason", default="", help="Why an earlier decision is being corrected.")
@click.option("--by", "decided_by", required=True, help="Who made or recorded the decision.")
@click.pass_context
def decide(ctx: click.Context, submission_id: int, level: str, case_status: str,
           actions: tuple[str, ...], owners: tuple[str, ...], tier1: bool, nrm: str, notes: str,
           correction_reason: str, decided_by: str) -> None:
    """Record MAST's decision on a case that is on an agenda, and send the worker the case note.

    The next review date follows the agreed level (high 6 weeks, medium 8, low 12 by default).
    Deciding a case again records a correction; the earlier decision is kept unchanged.
    """
    if len(actions) != len(owners):
        raise click.UsageError("give one --owner for each --action, in the same order")
    app = app_of(ctx)
    decision = DecisionInput(submission_id, level, case_status, list(zip(actions, owners, strict=True)),
                             tier1, nrm, decided_by, notes, correction_reason)
    with app.uow() as uow:
        try:
            decision_id, correction = record_decision(uow, decision, app.settings, app.clock())
        except DecisionError as exc:
            raise click.ClickException(str(exc)) from exc
        uow.commit()
    send_outbox(app)
    click.echo(f"{'Correction' if correction else 'Decision'} recorded for {case_reference(submission_id)} "
               f"(decision {decision_id}); case note sent to the worker.")


@main.command()
@click.argument("submission_id", type=CASE)
@click.option("--by", "deferred_by", required=True, help="Who deferred the case.")
@click.pass_context
def defer(ctx: click.Context, submission_id: int, deferred_by: str) -> None:
    """Carry a case on an agenda over to the next meeting."""
    app = app_of(ctx)
    with app.uow() as uow:
        entry = uow.agenda.for_submission(submission_id)
        if entry is None or entry.state != "on_agenda":
            raise click.ClickException(f"{case_reference(submission_id)} is not on a meeting's agenda")
        uow.agenda.defer(entry)
        uow.audit.append(deferred_by, "deferred", "submission", str(submission_id))
        uow.commit()
    click.echo(f"{case_reference(submission_id)} carried to the next meeting.")


@main.command()
@click.pass_context
def remind(ctx: click.Context) -> None:
    """Send today's review reminders now (the service does this daily at 07:00)."""
    app = app_of(ctx)
    with app.uow() as uow:
        counts = queue_reminders(uow, app.settings, app.clock().date())
        uow.commit()
    send_outbox(app)
    click.echo(json.dumps(dict(counts)))
