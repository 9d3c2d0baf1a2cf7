"""Meeting mode: the chair takes the agenda one case at a time, with the decision form beside it.

``/meetings/DATE/chair?case=N`` shows case N in agenda order. Moving between cases, saving a
decision and deferring are plain links and forms, so the keyboard alone runs the meeting; the
access keys are listed on the page.
"""

# No "from __future__ import annotations": FastAPI must see the Annotated dependency types.
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from mast_intake.domain.calendar import parse_day
from mast_intake.web.agenda_rows import agenda_rows
from mast_intake.web.auth import CurrentUser
from mast_intake.web.context import Console, ConsoleDep, Reader, not_found
from mast_intake.web.decision_form import DecisionForm
from mast_intake.web.forms import FieldError
from mast_intake.web.page_models import ChairEmptyScreen, ChairScreen
from mast_intake.web.pages import current_decision, submission_page

router = APIRouter()

SHORTCUTS = (
    ("n", "Next case"),
    ("p", "Previous case"),
    ("l", "Risk level: first choice of the decision form"),
    ("s", "Save the decision and send the case note"),
    ("d", "Defer this case to the next meeting"),
    ("a", "Back to the agenda"),
)


def _chair(request: Request, console: Console, user: CurrentUser, day_text: str, number: int,
           status: int = 200, form: DecisionForm | None = None, errors: list[FieldError] | None = None,
           notice: str = "") -> Response:
    day = parse_day(day_text)  # agenda_rows refuses a day without a meeting (a 400 page)
    with console.app.uow() as uow:
        _, rows = agenda_rows(uow, day, console.settings, console.now())
        if not rows:
            return console.render(request, ChairEmptyScreen(day=day))
        if not 1 <= number <= len(rows):
            raise not_found(f"The meeting of {day.isoformat()} has {len(rows)} cases; there is no "
                            f"case {number}.")
        row = rows[number - 1]
        submission = uow.submissions.get(row.case.submission_id)
        assert submission is not None
        page = submission_page(uow, submission)
        current = current_decision(page)
        uow.audit.append(user.username, "viewed", "submission", str(submission.id), "meeting mode")
        uow.commit()
    entry = page.entry
    here = f"/meetings/{day.isoformat()}/chair?case={number}"
    return console.render(request, ChairScreen(
        day=day, row=row, number=number, total=len(rows),
        decided=sum(1 for r in rows if r.case.state == "decided"), page=page,
        previous_case=number - 1 if number > 1 else None,
        next_case=number + 1 if number < len(rows) else None,
        can_decide=user.can("decide") and entry is not None and entry.state in ("on_agenda", "decided"),
        can_defer=user.can("decide") and entry is not None and entry.state == "on_agenda",
        correcting=current is not None, form=form or DecisionForm.from_record(current),
        errors=errors or [], notice=notice, return_to=here, shortcuts=SHORTCUTS), status)


def show_chair(request: Request, console: Console, user: CurrentUser, target: str, status: int,
               form: DecisionForm, errors: list[FieldError]) -> Response:
    """Meeting mode at ``target`` (a /meetings/DATE/chair?case=N path) with a refused form."""
    parts = urlsplit(target)
    day_text = parts.path.split("/")[2]
    number = parse_qs(parts.query).get("case", ["1"])[0]
    case = int(number) if number.isdigit() else 1
    return _chair(request, console, user, day_text, case, status, form, errors)


@router.get("/meetings/{day}/chair", response_class=HTMLResponse)
def chair(request: Request, day: str, user: Reader, console: ConsoleDep, case: int = 1,
          recorded: int = 0, deferred: int = 0) -> Response:
    notice = ""
    if recorded:
        notice = f"Decision D-{recorded} recorded. The case note is on its way to the worker."
    elif deferred:
        notice = f"MAST-{deferred} carried to the next meeting."
    return _chair(request, console, user, day, case, notice=notice)
