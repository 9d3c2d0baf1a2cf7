"""Accounts, for administrators: add, change role, disable, sign out everywhere, lift sign-in locks."""

# No "from __future__ import annotations": FastAPI must see the Annotated dependency types.
import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.exc import IntegrityError

from mast_intake.web import signin
from mast_intake.web.auth import ROLES, PasswordTooWeak, hash_password
from mast_intake.web.context import Admin, Console, ConsoleDep, Id, csrf_checked
from mast_intake.web.forms import AddUser, ChangeUser, FieldError, LiftLock
from mast_intake.web.page_models import UserRow, UsersScreen

router = APIRouter()


def show_users(request: Request, console: Console, status_code: int = 200,
               errors: list[FieldError] | None = None, notice: str = "",
               form: AddUser | None = None) -> Response:
    now = console.now()
    with console.app.uow() as uow:
        # Copied out: the rows expire when the unit of work ends.
        users = [UserRow(id=u.id, username=u.username, display_name=u.display_name, role=u.role,
                         active=u.active, last_login_at=u.last_login_at,
                         sessions=uow.web_sessions.count_for(u.id) if u.id else 0) for u in uow.users.list()]
        locks = signin.locks(uow, now)
    return console.render(request, UsersScreen(users=users, roles=ROLES, locks=locks, errors=errors or [],
                                               notice=notice, form=form or AddUser()), status_code)


def _no_such_account(request: Request, console: Console) -> Response:
    return show_users(request, console, 404, [FieldError("new-username", "There is no such account")])


@router.get("/users", response_class=HTMLResponse)
def users(request: Request, user: Admin, console: ConsoleDep) -> Response:
    return show_users(request, console)


@router.post("/users", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
async def add_user(request: Request, user: Admin, console: ConsoleDep) -> Response:
    form = AddUser.read(await request.form())
    problems = form.problems()
    if problems:
        return show_users(request, console, 422, problems, form=form)
    password = form.password
    try:
        hashed = (await anyio.to_thread.run_sync(hash_password, password, limiter=console.limiter())
                  if password or console.settings.web.auth == "local" else "")
    except PasswordTooWeak as exc:
        return show_users(request, console, 422, [FieldError("new-password", f"The password is too short: "
                                                                             f"{exc}")], form=form)
    try:
        with console.app.uow() as uow:
            created = uow.users.add(form.username, form.role, hashed, form.display_name)
            uow.audit.append(user.username, "user_added", "user", str(created.id), form.role)
            uow.commit()
    except IntegrityError:
        return show_users(request, console, 409, [FieldError(
            "new-username", f"There is already an account called {form.username}")], form=form)
    return show_users(request, console, notice=f"Account {form.username} added.")


@router.post("/users/{user_id}", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
async def change_user(request: Request, user_id: Id, user: Admin, console: ConsoleDep) -> Response:
    form = ChangeUser.read(await request.form())
    problems = form.problems(user_id, user.id)
    if problems:
        return show_users(request, console, 422, problems)
    name = _change(console, user_id, form, user.username)
    if name is None:
        return _no_such_account(request, console)
    return show_users(request, console, notice=f"Account {name} updated.")


def _change(console: Console, user_id: int, form: ChangeUser, actor: str) -> str | None:
    """The account's name once changed as ``form`` says (None: there is no such account)."""
    # The caller renders the page after this unit of work has ended: SQLite allows one writer at a time.
    with console.app.uow() as uow:
        target = uow.users.get(user_id)
        if target is None:
            return None
        uow.users.update(target, role=form.role, active=form.active)
        ended = uow.web_sessions.end_all(user_id) if form.active is False else 0
        uow.audit.append(actor, "user_changed", "user", str(user_id),
                         f"role={target.role} active={target.active} sessions_ended={ended}")
        uow.commit()
        return target.username


@router.post("/users/{user_id}/sign-out", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
def sign_out_everywhere(request: Request, user_id: Id, user: Admin, console: ConsoleDep) -> Response:
    signed_out = _sign_out(console, user_id, user.username)
    if signed_out is None:
        return _no_such_account(request, console)
    name, ended = signed_out
    return show_users(request, console, notice=f"{name} is signed out everywhere ({ended} sessions ended).")


def _sign_out(console: Console, user_id: int, actor: str) -> tuple[str, int] | None:
    """The account's name and how many of its sessions ended (None: there is no such account)."""
    with console.app.uow() as uow:
        target = uow.users.get(user_id)
        if target is None:
            return None
        ended = uow.web_sessions.end_all(user_id)
        uow.audit.append(actor, "signed_out_everywhere", "user", str(user_id), f"{ended} sessions")
        uow.commit()
        return target.username, ended


@router.post("/users/locks/lift", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
async def lift_lock(request: Request, user: Admin, console: ConsoleDep) -> Response:
    form = LiftLock.read(await request.form())
    with console.app.uow() as uow:
        lifted = signin.lift(uow, form.key, user.username)
        uow.commit()
    notice = "Sign-in lock lifted." if lifted else "That lock had already ended."
    return show_users(request, console, notice=notice)
