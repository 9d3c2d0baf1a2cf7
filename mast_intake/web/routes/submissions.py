"""A submission: its page, the original file, recording MAST's decision, and deferring it."""

# No "from __future__ import annotations": FastAPI must see the Annotated dependency types.
import re
from urllib.parse import quote

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mast_intake.domain.decisions import DecisionRecord
from mast_intake.domain.errors import DecisionInvalid, DomainError, InvalidTransition
from mast_intake.notifier.case_record import case_record_template, render_case_record
from mast_intake.notifier.decisions import case_note_view, record_correction, record_decision
from mast_intake.notifier.meetings import defer_case
from mast_intake.ports.errors import NotFound
from mast_intake.storage.unit_of_work import SqlUnitOfWork
from mast_intake.web.auth import ROLE_LABELS, CurrentUser
from mast_intake.web.context import (
    Console,
    ConsoleDep,
    Forbidden,
    Id,
    PageError,
    Reader,
    csrf_checked,
    not_found,
    send_outbox,
)
from mast_intake.web.decision_form import DecisionForm, field_errors, parse_decision_form
from mast_intake.web.forms import FieldError, ReturnTo
from mast_intake.web.page_models import SubmissionScreen
from mast_intake.web.pages import current_decision, submission_page
from mast_intake.web.routes.auth import user_or_resume

router = APIRouter()


def show_submission(request: Request, console: Console, user: CurrentUser, submission_id: int,
                    status_code: int = 200,
                    form: DecisionForm | None = None, errors: list[FieldError] | None = None,
                    notice: str = "") -> Response:
    """The submission page, with the decision form as left (or empty)."""
    app = console.app
    with app.uow() as uow:
        submission = uow.submissions.get(submission_id)
        if submission is None:
            raise not_found(f"There is no submission MAST-{submission_id}.")
        page = submission_page(uow, submission)
        current = current_decision(page)
        case_record = case_record_text(console, uow, submission_id, current) if current else ""
        uow.audit.append(user.username, "viewed", "submission", str(submission_id))
        uow.commit()
    held = app.attachments is not None and app.attachments.exists(submission_id, submission.sha256)
    entry = page.entry
    return console.render(request, SubmissionScreen(
        page=page, held=held,
        can_decide=user.can("decide") and entry is not None and entry.state in ("on_agenda", "decided"),
        can_defer=user.can("decide") and entry is not None and entry.state == "on_agenda",
        correcting=current is not None, case_record=case_record,
        form=form or DecisionForm.from_record(current),
        errors=errors or [], notice=notice, return_to=f"/submissions/{submission_id}"), status_code)


def case_record_text(console: Console, uow: SqlUnitOfWork, submission_id: int,
                     current: DecisionRecord) -> str:
    """The case-record block of the decision standing, as the case note carries it."""
    return render_case_record(case_note_view(uow, submission_id, current),
                              case_record_template(console.settings.case_record_template))


@router.get("/submissions/{submission_id}", response_class=HTMLResponse)
def submission(request: Request, submission_id: Id, user: Reader, console: ConsoleDep,
               recorded: int = 0, deferred: int = 0) -> Response:
    notice = ""
    if recorded:
        notice = f"Decision D-{recorded} recorded. The case note is on its way to the worker."
    elif deferred:
        notice = "Carried to the next meeting."
    return show_submission(request, console, user, submission_id, notice=notice)


@router.get("/submissions/{submission_id}/original")
def original(request: Request, submission_id: Id, user: Reader, console: ConsoleDep) -> Response:
    app = console.app
    if app.attachments is None:
        raise not_found("The original files are not kept by this service.")
    try:
        stored = app.load_attachment(submission_id, user.username)  # audited as "viewed"
    except NotFound:
        raise not_found("The original file is no longer held.") from None
    kind = ("application/pdf" if stored.data[:5] == b"%PDF-" else
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", stored.file_name)[:120] or f"MAST-{submission_id}"
    return Response(stored.data, media_type=kind, headers={
        "Content-Disposition": f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(stored.file_name)}",
    })


def _with(target: str, **params: int | None) -> str:
    joiner = "&" if "?" in target else "?"
    return target + joiner + "&".join(f"{k}={v}" for k, v in params.items())


@router.post("/submissions/{submission_id}/decision", response_class=HTMLResponse,
             dependencies=[Depends(csrf_checked)])
async def decide(request: Request, submission_id: Id, background: BackgroundTasks,
                 console: ConsoleDep) -> Response:
    form = await request.form()
    # Not a dependency: when the session has ended, the sign-in page keeps what was typed.
    user = user_or_resume(console, request, form)
    if isinstance(user, Response):
        return user
    if not user.can("decide"):
        raise Forbidden()
    target = ReturnTo.read(form).target(submission_id)
    with console.app.uow() as uow:
        entry = uow.agenda.for_submission(submission_id)
        correcting = entry is not None and entry.state == "decided"
    kept, errors = parse_decision_form(form, correcting)
    status = 422 if entry is not None else 404
    if not errors:
        # The case note names the person and their role, never a login name.
        by, role = user.display_name or user.username, ROLE_LABELS.get(user.role, user.role)
        try:
            with console.app.uow() as uow:
                if correcting:
                    stored, _ = record_correction(uow, submission_id, kept.fields(),
                                                  reason=kept.correction_reason, by=by, role=role,
                                                  now=console.now(), settings=console.settings,
                                                  actor=user.username)
                else:
                    stored = record_decision(uow, submission_id, kept.record(by, role, console.now()),
                                             console.settings, actor=user.username)
                uow.commit()
        except DecisionInvalid as exc:
            errors = field_errors(exc.found)
        except DomainError as exc:
            status, errors = 409, [FieldError("level-low", f"{str(exc)[:1].upper()}{str(exc)[1:]}")]
    if errors:
        if target.startswith("/meetings/"):
            from mast_intake.web.routes.meeting import show_chair

            return show_chair(request, console, user, target, status, kept, errors)
        return show_submission(request, console, user, submission_id, status, kept, errors)
    # Send after answering: the case note is safe in the outbox table already.
    background.add_task(send_outbox, console.app)
    return RedirectResponse(_with(target, recorded=stored.id), status_code=303)


@router.post("/submissions/{submission_id}/defer", dependencies=[Depends(csrf_checked)])
async def defer(request: Request, submission_id: Id, user: Reader, console: ConsoleDep) -> Response:
    if not user.can("decide"):
        raise Forbidden()
    target = ReturnTo.read(await request.form()).target(submission_id)
    with console.app.uow() as uow:
        if uow.agenda.for_submission(submission_id) is None:
            raise not_found(f"There is no case MAST-{submission_id} on an agenda.")
        try:
            defer_case(uow, submission_id, user.username, console.settings, console.now())  # audited
        except InvalidTransition as exc:
            # The message says where the case is (its reference and a date), nothing about the child.
            raise PageError(409, "This case cannot be deferred", f"{str(exc)[:1].upper()}{str(exc)[1:]}.") \
                from None
        uow.commit()
    return RedirectResponse(_with(target, deferred=submission_id), status_code=303)
