"""The MAST web console: FastAPI routes over the service layer, rendered on the server.

Every page is plain HTML from Jinja2 templates with one local stylesheet; there is no script, so
it works on the council intranet without internet and with the keyboard alone. GET requests never
change anything; every POST carries the session's CSRF token. Every page that shows a child's
record writes a "viewed" line to the audit log (ids only, never names).
"""

# No "from __future__ import annotations": FastAPI must see the dependency types (Reader,
# Decider...) defined inside create_app, which postponed string annotations would hide.
import re
from datetime import date, datetime
from importlib import resources
from typing import Annotated, Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from fastapi import BackgroundTasks, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import IntegrityError
from starlette.middleware.sessions import SessionMiddleware

from mast_intake.bootstrap import App
from mast_intake.domain.calendar import parse_day
from mast_intake.domain.decisions import Action, DecisionRecord
from mast_intake.domain.enums import CaseStatus, Level, NrmOutcome
from mast_intake.domain.errors import DecisionInvalid, DomainError, MeetingOver, NotAMeetingDay
from mast_intake.notifier.agenda import calendar_of
from mast_intake.notifier.decisions import record_correction, record_decision
from mast_intake.notifier.meetings import agenda_for, next_meeting_date, place_cases
from mast_intake.notifier.views import band_label, uk_date, uk_datetime
from mast_intake.storage.errors import NotFound
from mast_intake.web import quarantine
from mast_intake.web.auth import (
    ROLE_LABELS,
    ROLES,
    CurrentUser,
    PasswordTooWeak,
    csrf_matches,
    hash_password,
    needs_rehash,
    new_csrf_token,
    secret_key,
    session_expired,
    verify_password,
)
from mast_intake.web.pages import (
    CASE_STATUS_LABELS,
    NRM_LABELS,
    SEVERITY_LABELS,
    child_page,
    item_name,
    submission_page,
)
from mast_intake.web.reports import add_report_routes

ACTION_ROWS = 5


class LoginRequired(Exception):
    """No one is signed in (or the session timed out): go to the sign-in page."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("sign in required")
        self.expired = expired


class Forbidden(Exception):
    """Signed in, but the role does not allow this."""


class BadCsrf(Exception):
    """A form came without the session's CSRF token."""


def _safe_next(target: str | None) -> str:
    """Only a path on this site may follow a sign-in, never another host."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "") if not parts.netloc else "/"


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def decision_form(current: DecisionRecord | None) -> dict[str, Any]:
    """The decision form's values: the decision standing (for a correction), else empty rows."""
    actions = list(current.actions) if current else []
    rows = [(a.text, a.owner) for a in actions] + [("", "")] * max(ACTION_ROWS - len(actions), 0)
    # Due dates sit beside the (text, owner) rows, in the same positions.
    dues = [a.due.isoformat() if a.due else "" for a in actions] + [""] * max(ACTION_ROWS - len(actions), 0)
    if current is None:
        return {"actions": rows, "action_dues": dues}
    return {
        "level": current.level.value, "level_rationale": current.level_rationale,
        "case_status": current.case_status.value, "nrm": current.nrm.value,
        "nrm_referral_date": current.nrm_referral_date.isoformat() if current.nrm_referral_date else "",
        "nrm_first_responder": current.nrm_first_responder, "nrm_reason": current.nrm_reason,
        "police_systems_updated": current.police_systems_updated,
        "police_updated_by": current.police_updated_by, "tier1": current.tier1,
        "disruption": current.disruption, "notes": current.notes, "correction_reason": "",
        "actions": rows, "action_dues": dues,
    }


def read_decision_form(form: Any) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """(the values to show again, the record's fields, problems) from a posted decision form."""
    def text(name: str) -> str:
        return str(form.get(name, "")).strip()

    errors: list[str] = []

    def choice(name: str, enum: type, problem: str) -> Any:
        try:
            return enum.parse(text(name))
        except ValueError:
            errors.append(problem)
            return None

    def day(name: str, problem: str) -> date | None:
        if not text(name):
            return None
        try:
            return date.fromisoformat(text(name))
        except ValueError:
            errors.append(problem)
            return None

    rows = [(text(f"action_{i}"), text(f"owner_{i}")) for i in range(1, ACTION_ROWS + 1)]
    actions = []
    for number, (what, owner) in enumerate(rows, start=1):
        if bool(what) != bool(owner):
            errors.append(f"Action {number} needs both the action and who owns it.")
        elif what:
            actions.append(Action(what, owner, day(f"due_{number}", f"Action {number}'s due date must be a "
                                                                     "date, for example 2026-12-18.")))
    fields = {
        "level": choice("level", Level, "Choose the risk level MAST agreed."),
        "level_rationale": text("level_rationale"),
        "case_status": choice("case_status", CaseStatus, "Choose the CSE case status."),
        "nrm": choice("nrm", NrmOutcome, "Choose the National Referral Mechanism (NRM) outcome."),
        "nrm_referral_date": day("nrm_referral_date", "The NRM referral date must be a date."),
        "nrm_first_responder": text("nrm_first_responder"), "nrm_reason": text("nrm_reason"),
        "police_systems_updated": form.get("police_systems_updated") == "yes",
        "police_updated_by": text("police_updated_by"), "tier1": form.get("tier1") == "yes",
        "disruption": text("disruption"), "notes": text("notes"), "actions": tuple(actions),
    }
    kept = {**{k: v for k, v in fields.items() if k != "actions"}, "actions": rows,
            "action_dues": [text(f"due_{i}") for i in range(1, ACTION_ROWS + 1)],
            "correction_reason": text("correction_reason")}
    for name in ("level", "case_status", "nrm"):
        kept[name] = fields[name].value if fields[name] is not None else text(name)
    return kept, fields, errors


def create_app(app: App) -> FastAPI:
    """The web console for the wired service ``app``."""
    settings = app.settings
    web = FastAPI(title="MAST Intake", docs_url=None, redoc_url=None, openapi_url=None)
    web.state.app = app
    package = resources.files("mast_intake.web")
    templates = Jinja2Templates(directory=str(package / "templates"))
    env = templates.env
    env.filters.update(uk_date=uk_date, uk_datetime=uk_datetime, band=band_label, item_name=item_name)
    env.globals.update(role_labels=ROLE_LABELS, severity_labels=SEVERITY_LABELS,
                       case_status_labels=CASE_STATUS_LABELS, nrm_labels=NRM_LABELS)
    web.mount("/static", StaticFiles(directory=str(package / "static")), name="static")
    zone = ZoneInfo(settings.meeting.timezone)
    calendar = calendar_of(settings.meeting)

    def today() -> date:
        return app.clock().astimezone(zone).date()

    # ------------------------------------------------------------------ session and user

    def csrf_token(request: Request) -> str:
        token = request.session.get("csrf")
        if not token:
            token = request.session["csrf"] = new_csrf_token()
        return token

    def resolve_user(request: Request) -> CurrentUser | None:
        if settings.web.auth == "trusted_header":
            name = request.headers.get(settings.web.user_header, "").strip()
            if not name:
                return None
            with app.uow() as uow:
                user = uow.users.by_username(name)
                if user is None or not user.active or user.id is None:
                    return None
                return CurrentUser(user.id, user.username, user.display_name, user.role)
        user_id = request.session.get("uid")
        if user_id is None:
            return None
        now = app.clock()
        if session_expired(request.session.get("seen"), now, settings.web.session_minutes):
            request.session.clear()
            raise LoginRequired(expired=True)
        with app.uow() as uow:
            user = uow.users.get(int(user_id))
            if user is None or not user.active or user.id is None:
                request.session.clear()
                return None
            current = CurrentUser(user.id, user.username, user.display_name, user.role)
        request.session["seen"] = now.timestamp()
        return current

    def signed_in(request: Request) -> CurrentUser:
        user = resolve_user(request)
        if user is None:
            raise LoginRequired()
        request.state.user = user
        return user

    SignedIn = Annotated[CurrentUser, Depends(signed_in)]

    def needs(permission: str):
        def check(user: SignedIn) -> CurrentUser:
            if not user.can(permission):
                raise Forbidden()
            return user
        return check

    Reader = Annotated[CurrentUser, Depends(needs("read"))]
    Decider = Annotated[CurrentUser, Depends(needs("decide"))]
    Admin = Annotated[CurrentUser, Depends(needs("admin"))]

    async def csrf_checked(request: Request) -> None:
        form = await request.form()
        if not csrf_matches(request.session.get("csrf"), str(form.get("csrf_token", ""))):
            raise BadCsrf()

    def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("user", getattr(request.state, "user", None))
        context.update(request=request, csrf_token=csrf_token(request), auth_mode=settings.web.auth,
                       today=today())
        return templates.TemplateResponse(request, template, context, status_code=status_code)

    # ------------------------------------------------------------------ errors and headers

    @web.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        if settings.web.auth == "trusted_header":
            return HTMLResponse("Your single sign-on account has no access to the MAST console.",
                                status_code=403)
        target = quote(_safe_next(str(request.url.path) + (f"?{request.url.query}" if request.url.query
                                                           else "")))
        suffix = "&expired=1" if exc.expired else ""
        return RedirectResponse(f"/login?next={target}{suffix}", status_code=303)

    @web.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return render(request, "error.html", 403, title="Not allowed",
                      message="Your role does not allow this. Ask a MAST administrator if you need it.")

    @web.exception_handler(BadCsrf)
    async def _bad_csrf(request: Request, exc: BadCsrf) -> Response:
        return render(request, "error.html", 400, title="Form expired",
                      message="This form had expired or did not come from this site. Go back, "
                              "reload the page and try again.")

    @web.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        if not request.url.path.startswith("/static/"):
            # Pages hold children's data: never keep them in a browser or proxy cache.
            response.headers["Cache-Control"] = "no-store"
        return response

    # The session middleware wraps the one above, so the headers apply to every response.
    web.add_middleware(SessionMiddleware, secret_key=secret_key(settings), session_cookie="mast_session",
                       max_age=12 * 3600, same_site="strict", https_only=settings.web.secure_cookies)

    # ------------------------------------------------------------------ sign in and out

    @web.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/", expired: int = 0) -> Response:
        if settings.web.auth == "trusted_header":
            return RedirectResponse("/", status_code=303)
        message = "Your session ended after a period without use. Please sign in again." if expired else ""
        return render(request, "login.html", next=_safe_next(next), message=message, error="")

    @web.post("/login", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
    async def login(request: Request) -> Response:
        form = await request.form()
        username = str(form.get("username", "")).strip().lower()
        password = str(form.get("password", ""))
        target = _safe_next(str(form.get("next", "/")))
        with app.uow() as uow:
            user = uow.users.by_username(username) if username else None
            ok = verify_password(user.password_hash if user else "", password)
            if ok and user is not None and user.active:
                new_hash = hash_password(password) if needs_rehash(user.password_hash) else None
                uow.users.update(user, password_hash=new_hash, logged_in=True)
                uow.audit.append(user.username, "signed_in", "user", str(user.id))
                uow.commit()
                user_id = user.id
            else:
                if user is not None:
                    uow.audit.append(user.username, "sign_in_failed", "user", str(user.id))
                    uow.commit()
                user_id = None
        if user_id is None:
            return render(request, "login.html", 401, next=target, message="",
                          error="The user name or password is not right.", username=username)
        # A new session on sign-in, so a token planted before it is worthless afterwards.
        request.session.clear()
        request.session.update(uid=user_id, seen=app.clock().timestamp(), csrf=new_csrf_token())
        return RedirectResponse(target, status_code=303)

    @web.post("/logout", dependencies=[Depends(csrf_checked)])
    def logout(request: Request) -> Response:
        uid = request.session.get("uid")
        if uid is not None:
            with app.uow() as uow:
                user = uow.users.get(int(uid))
                if user is not None:
                    uow.audit.append(user.username, "signed_out", "user", str(user.id))
                    uow.commit()
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    # ------------------------------------------------------------------ agenda

    @web.get("/", include_in_schema=False)
    def home(user: SignedIn) -> Response:
        return RedirectResponse("/quarantine" if not user.can("read") else "/agenda", status_code=303)

    def meeting_day_of(text: str) -> date:
        """The meeting day named in a URL or form (the next one when empty); NotAMeetingDay else."""
        if not text.strip():
            return next_meeting_date(app.clock(), settings)
        return calendar.require_meeting_day(parse_day(text))

    @web.exception_handler(NotAMeetingDay)
    async def _not_a_meeting_day(request: Request, exc: NotAMeetingDay) -> Response:
        return render(request, "error.html", 400, title="No meeting on that day",
                      message=f"{str(exc)[:1].upper()}{str(exc)[1:]}.")

    @web.get("/agenda", response_class=HTMLResponse)
    def agenda(request: Request, user: Reader, day: str = "") -> Response:
        now = app.clock()
        upcoming = next_meeting_date(now, settings)
        meeting_day = meeting_day_of(day)
        with app.uow() as uow:
            view, cases = agenda_for(uow, meeting_day, settings, now)
            dates = [d for d in uow.agenda.meeting_dates() if calendar.is_meeting_day(d)]
            waiting = uow.agenda.waiting_count()
            uow.audit.append(user.username, "viewed", "meeting", meeting_day.isoformat())
            uow.commit()
        past = [d for d in dates if calendar.has_taken_place(d, now)]
        coming = sorted({d for d in dates if d not in past} | {upcoming})
        return render(request, "agenda.html", view=view, cases=cases, day=meeting_day, upcoming=upcoming,
                      past=past, coming=coming, waiting=waiting,
                      is_past=calendar.has_taken_place(meeting_day, now),
                      placed=request.query_params.get("placed"))

    @web.post("/agenda/place", dependencies=[Depends(csrf_checked)])
    async def place(request: Request, user: Decider) -> Response:
        form = await request.form()
        meeting_day = meeting_day_of(str(form.get("day", "")))
        try:
            with app.uow() as uow:
                count = place_cases(uow, meeting_day, settings, app.clock())
                uow.audit.append(user.username, "placed", "meeting", meeting_day.isoformat(),
                                 f"{count} cases")
                uow.commit()
        except MeetingOver as exc:
            return render(request, "error.html", 409, title="The meeting has taken place",
                          message=f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
        return RedirectResponse(f"/agenda?day={meeting_day.isoformat()}&placed={count}", status_code=303)

    # ------------------------------------------------------------------ submissions and decisions

    def show_submission(request: Request, user: CurrentUser, submission_id: int, status_code: int = 200,
                        form: dict[str, Any] | None = None, errors: list[str] | None = None,
                        notice: str = "") -> Response:
        with app.uow() as uow:
            submission = uow.submissions.get(submission_id)
            if submission is None:
                return render(request, "error.html", 404, title="Not found",
                              message=f"There is no submission MAST-{submission_id}.")
            page = submission_page(uow, submission)
            uow.audit.append(user.username, "viewed", "submission", str(submission_id))
            uow.commit()
        held = app.attachments is not None and app.attachments.exists(submission_id, submission.sha256)
        entry = page["entry"]
        can_decide = user.can("decide") and entry is not None and entry.state in ("on_agenda", "decided")
        correcting = entry is not None and entry.state == "decided"
        if form is None:
            # A correction starts from the decision standing; a first decision from an empty form.
            current = page["decisions"][-1]["record"] if correcting and page["decisions"] else None
            form = decision_form(current)
        return render(request, "submission.html", status_code, page=page, held=held, can_decide=can_decide,
                      correcting=correcting, form=form, errors=errors or [], notice=notice)

    @web.get("/submissions/{submission_id}", response_class=HTMLResponse)
    def submission(request: Request, submission_id: int, user: Reader, recorded: str = "") -> Response:
        notice = ""
        if recorded:
            notice = f"Decision D-{recorded} recorded. The case note is on its way to the worker."
        return show_submission(request, user, submission_id, notice=notice)

    @web.get("/submissions/{submission_id}/original")
    def original(submission_id: int, user: Reader) -> Response:
        if app.attachments is None:
            return Response("The original file is not kept.", status_code=404)
        try:
            stored = app.load_attachment(submission_id, user.username)  # audited as "viewed"
        except NotFound:
            return Response("The original file is no longer held.", status_code=404)
        kind = ("application/pdf" if stored.data[:5] == b"%PDF-" else
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", stored.file_name)[:120] or f"MAST-{submission_id}"
        return Response(stored.data, media_type=kind, headers={
            "Content-Disposition":
                f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(stored.file_name)}",
        })

    @web.post("/submissions/{submission_id}/decision", response_class=HTMLResponse,
              dependencies=[Depends(csrf_checked)])
    async def decide(request: Request, submission_id: int, background: BackgroundTasks,
                     user: Decider) -> Response:
        form = await request.form()
        kept, fields, errors = read_decision_form(form)
        reason = kept["correction_reason"]
        with app.uow() as uow:
            entry = uow.agenda.for_submission(submission_id)
            correcting = entry is not None and entry.state == "decided"
        if correcting and not reason:
            errors.append("Say why the earlier decision is being corrected.")
        if errors:
            return show_submission(request, user, submission_id, 422, kept, errors)
        by, role = user.display_name or user.username, ROLE_LABELS.get(user.role, user.role)
        try:
            with app.uow() as uow:
                if correcting:
                    stored, _ = record_correction(uow, submission_id, fields, reason=reason, by=by, role=role,
                                                  now=app.clock(), settings=settings, actor=user.username)
                else:
                    record = DecisionRecord(decided_by=by, decided_by_role=role, decided_at=app.clock(),
                                            **fields)
                    stored = record_decision(uow, submission_id, record, settings, actor=user.username)
                uow.commit()
        except DecisionInvalid as exc:
            return show_submission(request, user, submission_id, 422, kept, exc.problems)
        except DomainError as exc:
            return show_submission(request, user, submission_id, 409, kept, [str(exc)])
        # Send after answering: the case note is safe in the outbox table already.
        background.add_task(_send_outbox, app)
        return RedirectResponse(f"/submissions/{submission_id}?recorded={stored.id}", status_code=303)

    # ------------------------------------------------------------------ children and search

    @web.get("/children/{child_id}", response_class=HTMLResponse)
    def child(request: Request, child_id: int, user: Reader) -> Response:
        with app.uow() as uow:
            page = child_page(uow, child_id)
            if page is None:
                return render(request, "error.html", 404, title="Not found",
                              message="There is no such child.")
            uow.audit.append(user.username, "viewed", "child", str(child_id))
            uow.commit()
        return render(request, "child.html", page=page)

    @web.get("/search", response_class=HTMLResponse)
    def search(request: Request, user: Reader, name: str = "", dob: str = "") -> Response:
        born = _parse_date(dob)
        error = "Enter the date of birth as a date, for example 2011-02-04." if dob and born is None else ""
        results: list[dict[str, Any]] | None = None
        if (name.strip() or born) and not error:
            with app.uow() as uow:
                found = uow.children.search(name, born)
                results = [{"id": c.id, "name": uow.children.display_name(c), "dob": c.dob,
                            "names": uow.children.names(c.id)} for c in found if c.id is not None]
                # The search words may be a name: the audit line keeps only how many were found.
                uow.audit.append(user.username, "searched", "child", "-", f"{len(results)} found")
                uow.commit()
        return render(request, "search.html", name=name, dob=dob, results=results, error=error)

    # ------------------------------------------------------------------ quarantine (admin)

    @web.get("/quarantine", response_class=HTMLResponse)
    def quarantine_list(request: Request, user: Admin, done: str = "") -> Response:
        with app.uow() as uow:
            rows = quarantine.listing(uow, settings)
        return render(request, "quarantine.html", rows=rows, done=done)

    @web.post("/quarantine/{row_id}/release", dependencies=[Depends(csrf_checked)])
    def quarantine_release(row_id: int, user: Admin) -> Response:
        outcome = quarantine.release(app, row_id, user.username)
        return RedirectResponse(f"/quarantine?done={outcome}", status_code=303)

    @web.post("/quarantine/{row_id}/reject", dependencies=[Depends(csrf_checked)])
    async def quarantine_reject(request: Request, row_id: int, background: BackgroundTasks,
                                user: Admin) -> Response:
        form = await request.form()
        outcome = quarantine.reject(app, row_id, user.username, str(form.get("reply", "")).strip(),
                                    form.get("send_reply") == "yes")
        background.add_task(_send_outbox, app)
        return RedirectResponse(f"/quarantine?done={outcome}", status_code=303)

    # ------------------------------------------------------------------ accounts (admin)

    def show_users(request: Request, status_code: int = 200, error: str = "", notice: str = "",
                   form: dict[str, str] | None = None) -> Response:
        with app.uow() as uow:
            # Copied out: the rows expire when the unit of work ends.
            users = [{"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role,
                      "active": u.active, "last_login_at": u.last_login_at} for u in uow.users.list()]
        return render(request, "users.html", status_code, users=users, roles=ROLES, error=error,
                      notice=notice, form=form or {})

    @web.get("/users", response_class=HTMLResponse)
    def users(request: Request, user: Admin) -> Response:
        return show_users(request)

    @web.post("/users", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
    async def add_user(request: Request, user: Admin) -> Response:
        form = await request.form()
        username = str(form.get("username", "")).strip().lower()
        display = str(form.get("display_name", "")).strip()
        role = str(form.get("role", ""))
        kept = {"username": username, "display_name": display, "role": role}
        if not re.fullmatch(r"[a-z0-9._@-]{2,320}", username):
            return show_users(request, 422, "Give a user name of letters, digits, dots, dashes or @.",
                              form=kept)
        if role not in ROLES:
            return show_users(request, 422, "Choose a role.", form=kept)
        password = str(form.get("password", ""))
        try:
            hashed = hash_password(password) if password or settings.web.auth == "local" else ""
        except PasswordTooWeak as exc:
            return show_users(request, 422, f"The password is too short: {exc}.", form=kept)
        try:
            with app.uow() as uow:
                created = uow.users.add(username, role, hashed, display)
                uow.audit.append(user.username, "user_added", "user", str(created.id), role)
                uow.commit()
        except IntegrityError:
            return show_users(request, 409, f"There is already an account called {username}.", form=kept)
        return show_users(request, notice=f"Account {username} added.")

    @web.post("/users/{user_id}", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
    async def change_user(request: Request, user_id: int, user: Admin) -> Response:
        form = await request.form()
        role = str(form.get("role", "")) or None
        active = {"yes": True, "no": False}.get(str(form.get("active", "")))
        if user_id == user.id and (active is False or (role and role != "admin")):
            return show_users(request, 422, "You cannot disable your own account or remove your own "
                                            "administrator role.")
        with app.uow() as uow:
            target = uow.users.get(user_id)
            if target is None:
                return show_users(request, 404, "There is no such account.")
            if role is not None and role not in ROLES:
                return show_users(request, 422, "Choose a role.")
            uow.users.update(target, role=role, active=active)
            uow.audit.append(user.username, "user_changed", "user", str(user_id),
                             f"role={target.role} active={target.active}")
            uow.commit()
            name = target.username
        return show_users(request, notice=f"Account {name} updated.")

    add_report_routes(web, app, render, signed_in, today)

    @web.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok", "time": datetime.now().astimezone().isoformat(timespec="seconds")}

    return web


def _send_outbox(app: App) -> None:
    """Send what waits in the outbox (imported late: the scheduler pulls in APScheduler)."""
    from mast_intake.scheduler import send_outbox

    send_outbox(app)
