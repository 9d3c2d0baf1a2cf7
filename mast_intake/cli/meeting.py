"""`mast-intake agenda`, `agenda place`, `decide`, `correct`, `defer` and `remind`: the MAST CSE meeting.

Cases are named by their reference, ``MAST-3`` or just ``3``. Showing an agenda never changes
anything; placing cases on a meeting is ``agenda place``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from mast_intake.cli import main
from mast_intake.cli.service import app_of
from mast_intake.domain.decisions import Action, DecisionRecord
from mast_intake.domain.enums import CaseStatus, LabelledEnum, Level, NrmOutcome
from mast_intake.domain.errors import DomainError
from mast_intake.domain.reference import InvalidReference, format_reference, parse_reference


def _day(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    from mast_intake.domain.calendar import parse_day

    if value is None:
        return None
    try:
        return parse_day(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _reference(ctx: click.Context, param: click.Parameter, value: str) -> int:
    try:
        return parse_reference(value)
    except InvalidReference as exc:
        raise click.BadParameter(str(exc)) from None


def _choice(enum: type[LabelledEnum]) -> click.Choice:
    return click.Choice(list(enum.values()), case_sensitive=False)


_DATE_HELP = "The meeting date, YYYY-MM-DD; the next meeting by default."


@main.group(invoke_without_command=True)
@click.option("--date", "day", callback=_day, help=_DATE_HELP)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per case, one per line.")
@click.option("--docx", "docx_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the agenda as a Word document to this path.")
@click.option("--send", "send_it", is_flag=True,
              help="Email the agenda (with the Word document) to the MAST mailbox, once per meeting.")
@click.pass_context
def agenda(ctx: click.Context, day: date | None, as_json: bool, docx_path: Path | None,
           send_it: bool) -> None:
    """Print the agenda of a MAST CSE meeting; it changes nothing (see `agenda place`).

    Cases are listed high, then medium, then low; new cases before reviews. Cases deferred from
    this meeting stay listed, marked with the meeting they were deferred to. The scheduled
    service places the waiting cases and sends the agenda to MAST at the cut-off.
    """
    if ctx.invoked_subcommand is not None:
        return
    from mast_intake.notifier.agenda_docx import build_agenda_docx
    from mast_intake.notifier.meetings import agenda_for, next_meeting_date, queue_agenda_email
    from mast_intake.scheduler import send_outbox

    app = app_of(ctx)
    now = app.clock()
    meeting_day = day or next_meeting_date(now, app.settings)
    with app.uow() as uow:
        try:
            view, cases = agenda_for(uow, meeting_day, app.settings, now)
        except DomainError as exc:
            raise click.ClickException(str(exc)) from exc
        waiting = uow.agenda.waiting_count()
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
    if waiting:
        click.echo(f"{waiting} case(s) wait to be placed on a meeting: mast-intake agenda place")
    for number, case in enumerate(cases, start=1):
        facts = case.to_dict()
        click.echo(
            f"{number:>2}. [{facts['consider_category'].upper()}] {facts['kind']} "
            f"{facts['reference']} {facts['child_name']} (age {facts['child_age']}), "
            f"{facts['worker']}{'' if facts['sender_verified'] else ' (sender not verified)'}; "
            f"stated {facts['stated_total']} ({facts['stated_category']}), "
            f"recomputed {facts['computed_total']} ({facts['computed_category']})"
        )
        click.echo(f"      trend: {case.view.trend.text if case.view.trend else 'first tool for this child'}")
        click.echo(f"      next review: {facts['review']}")
        if facts["findings"]:
            click.echo(f"      findings: {', '.join(facts['findings'])}")
        for prompt in facts["prompts"]:
            click.echo(f"      prompt: {prompt}")
    if docx_path:
        click.echo(f"Word agenda written to {docx_path}")


@agenda.command("place")
@click.option("--date", "day", callback=_day, help=_DATE_HELP)
@click.option("--by", "placed_by", default="mast-intake", show_default=True, help="Who placed the cases.")
@click.pass_context
def agenda_place(ctx: click.Context, day: date | None, placed_by: str) -> None:
    """Place every waiting case (received before the cut-off, or deferred) on a meeting.

    Only a meeting day whose meeting has not yet started can take cases. Running it again
    before the meeting adds what arrived since.
    """
    from mast_intake.notifier.meetings import next_meeting_date, place_cases

    app = app_of(ctx)
    now = app.clock()
    meeting_day = day or next_meeting_date(now, app.settings)
    with app.uow() as uow:
        try:
            count = place_cases(uow, meeting_day, app.settings, now)
        except DomainError as exc:
            raise click.ClickException(str(exc)) from exc
        uow.audit.append(placed_by, "placed", "meeting", meeting_day.isoformat(), f"{count} cases")
        uow.commit()
    click.echo(f"{count} case(s) placed on the meeting of {meeting_day.isoformat()}.")


_Command = TypeVar("_Command", bound=Callable[..., Any])


def _decision_options(correcting: bool) -> Callable[[_Command], _Command]:
    """The decision record's options; for a correction none is required and none has a default."""
    def default(value: Any) -> Any:
        return None if correcting else value

    options = [
        click.option("--level", type=_choice(Level), required=not correcting,
                     help="The risk level MAST agreed."),
        click.option("--rationale", "level_rationale", default=default(None),
                     help="Why MAST agreed this level (required for a decision)."),
        click.option("--status", "case_status", type=_choice(CaseStatus), required=not correcting,
                     help="The CSE case status; closed_after_review needs police systems updated."),
        click.option("--action", "actions", multiple=True, help="An action agreed (repeatable)."),
        click.option("--owner", "owners", multiple=True, help="Who owns the action in the same position."),
        click.option("--due", "dues", multiple=True, callback=_dates,
                     help="The action's due date, YYYY-MM-DD, or - for none (same position)."),
        click.option("--police-updated/--police-not-updated", "police_systems_updated",
                     default=default(False),
                     help="Whether police systems were updated."),
        click.option("--police-by", "police_updated_by", default=default(""),
                     help="Who updated the police systems."),
        click.option("--nrm", type=_choice(NrmOutcome), default=default(NrmOutcome.NOT_APPLICABLE.value),
                     help="The National Referral Mechanism outcome."),
        click.option("--nrm-date", "nrm_referral_date", callback=_day, help="Date of the NRM referral."),
        click.option("--nrm-responder", "nrm_first_responder", default=default(""),
                     help="The NRM first responder who referred."),
        click.option("--nrm-reason", default=default(""),
                     help="Why an NRM referral was considered and not made."),
        click.option("--tier1/--no-tier1", default=default(False),
                     help="The child is to be discussed at VEMT Tier 1."),
        click.option("--disruption", default=default(""), help="The disruption MAST considered."),
        click.option("--notes", default=default(""),
                     help="Further recommendations or words from the meeting."),
        click.option("--by", "decided_by", required=True, help="Who decided: the person's name."),
        click.option("--role", "decided_by_role", default="", help="Their role, e.g. 'MAST chair'."),
    ]

    def apply(function: _Command) -> _Command:
        for option in reversed(options):
            function = option(function)
        return function
    return apply


def _dates(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[date | None, ...]:
    return tuple(None if value == "-" else _day(ctx, param, value) for value in values)


def _actions(actions: tuple[str, ...], owners: tuple[str, ...],
             dues: tuple[date | None, ...]) -> tuple[Action, ...]:
    if len(actions) != len(owners) or len(dues) > len(actions):
        raise click.UsageError("give one --owner for each --action (and at most one --due each), in order")
    padded = (*dues, *[None] * (len(actions) - len(dues)))
    return tuple(Action(text, owner, due) for text, owner, due in zip(actions, owners, padded, strict=True))


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    """The record's fields from the options given (None means "not given")."""
    actions, owners, dues = values.pop("actions"), values.pop("owners"), values.pop("dues")
    fields = {name: value for name, value in values.items() if value is not None}
    if actions or owners or dues:
        fields["actions"] = _actions(actions, owners, dues)
    for name, enum in (("level", Level), ("case_status", CaseStatus), ("nrm", NrmOutcome)):
        if name in fields:
            fields[name] = enum.parse(fields[name])
    return fields


@main.command()
@click.argument("reference", callback=_reference)
@_decision_options(correcting=False)
@click.pass_context
def decide(ctx: click.Context, reference: int, decided_by: str, decided_by_role: str, **values: Any) -> None:
    """Record MAST's decision on a case on an agenda, and send the worker the case note.

    The next review counts from the decision at the agreed level (high 6 weeks, medium 8, low
    12 by default). To change a decision afterwards use `mast-intake correct`.
    """
    from mast_intake.notifier.decisions import record_decision
    from mast_intake.scheduler import send_outbox

    app = app_of(ctx)
    fields = _fields(values)
    fields.setdefault("level_rationale", "")
    record = DecisionRecord(decided_by=decided_by, decided_by_role=decided_by_role, decided_at=app.clock(),
                            **fields)
    with app.uow() as uow:
        try:
            stored = record_decision(uow, reference, record, app.settings)
        except DomainError as exc:
            raise click.ClickException(str(exc)) from exc
        uow.commit()
    send_outbox(app)
    click.echo(f"Decision D-{stored.id} recorded for {format_reference(reference)}; next review by "
               f"{stored.next_review_date}; case note sent to the worker.")


@main.command()
@click.argument("reference", callback=_reference)
@click.option("--reason", required=True, help="Why the decision is being corrected (told to the worker).")
@_decision_options(correcting=True)
@click.pass_context
def correct(ctx: click.Context, reference: int, reason: str, decided_by: str, decided_by_role: str,
            **values: Any) -> None:
    """Correct MAST's decision on a case: only the fields given change, the rest are kept.

    The earlier decision is kept unchanged; the worker gets a case note marked as a correction,
    with the reason. Giving --action replaces the whole list of actions.
    """
    from mast_intake.notifier.decisions import record_correction
    from mast_intake.scheduler import send_outbox

    app = app_of(ctx)
    with app.uow() as uow:
        try:
            stored, previous = record_correction(uow, reference, _fields(values), reason=reason,
                                                 by=decided_by, role=decided_by_role, now=app.clock(),
                                                 settings=app.settings)
        except (DomainError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
        uow.commit()
    send_outbox(app)
    click.echo(f"Correction D-{stored.id} of D-{previous.id} recorded for {format_reference(reference)}; "
               "case note sent to the worker.")


@main.command()
@click.argument("reference", callback=_reference)
@click.option("--by", "deferred_by", required=True, help="Who deferred the case.")
@click.pass_context
def defer(ctx: click.Context, reference: int, deferred_by: str) -> None:
    """Carry a case on an agenda over to the next meeting day.

    It stays listed on this meeting, marked deferred, and is listed on the next one.
    """
    from mast_intake.notifier.meetings import defer_case

    app = app_of(ctx)
    with app.uow() as uow:
        try:
            deferral = defer_case(uow, reference, deferred_by, app.settings, app.clock())
        except DomainError as exc:
            raise click.ClickException(str(exc)) from exc
        uow.commit()
    click.echo(f"{format_reference(reference)} deferred from the meeting on {deferral.from_day.isoformat()} "
               f"to the meeting on {deferral.to_day.isoformat()}.")


@main.command()
@click.pass_context
def remind(ctx: click.Context) -> None:
    """Send today's review reminders now (the service does this daily at 07:00)."""
    from mast_intake.notifier.reminders import queue_reminders
    from mast_intake.scheduler import send_outbox

    app = app_of(ctx)
    with app.uow() as uow:
        counts = queue_reminders(uow, app.settings, app.clock().date())
        uow.commit()
    send_outbox(app)
    click.echo(json.dumps(dict(counts)))
