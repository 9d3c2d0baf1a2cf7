"""Signing in and out, changing one's own password, and resuming a form after signing in again."""

# No "from __future__ import annotations": FastAPI must see the Annotated dependency types.
from collections.abc import Sequence
from datetime import timedelta

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from mast_intake.web import signin
from mast_intake.web.auth import CurrentUser, PasswordTooWeak, hash_password, needs_rehash, verify_password
from mast_intake.web.context import (
    Console,
    ConsoleDep,
    LoginRequired,
    SignedIn,
    csrf_checked,
    safe_next,
    signed_in,
    start_session,
)
from mast_intake.web.forms import ChangePassword, FieldError, SignIn
from mast_intake.web.page_models import PasswordScreen, ResumeScreen, SignInScreen

router = APIRouter()


def sign_in_page(console: Console, request: Request, status: int = 200, *, target: str = "/",
                 message: str = "", errors: Sequence[FieldError] = (), username: str = "",
                 carry: Sequence[tuple[str, str]] = (), resume: str = "") -> Response:
    """The sign-in page; ``carry`` holds a form that was sent after the session ended."""
    return console.render(request, SignInScreen(next=target, message=message, errors=list(errors),
                                                username=username, carry=list(carry), resume=resume), status)


def sign_in_to_resume(console: Console, request: Request, form: FormData) -> Response:
    """The sign-in page keeping what a form sent after the session ended, to send again after it."""
    carry = [(k, str(v)) for k, v in form.multi_items() if k != "csrf_token" and isinstance(v, str)]
    return sign_in_page(console, request, 401, target=safe_next(request.url.path), carry=carry,
                        resume=safe_next(request.url.path),
                        message="Your session ended after a period without use. Sign in again: what "
                                "you typed has been kept, and you can save it straight after.")


def user_or_resume(console: Console, request: Request, form: FormData) -> CurrentUser | Response:
    """The signed-in user, or the sign-in page that keeps ``form`` when the session has ended."""
    try:
        return signed_in(request)
    except LoginRequired:
        if console.settings.web.auth != "local":
            raise
        return sign_in_to_resume(console, request, form)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, console: ConsoleDep, next: str = "/", expired: int = 0) -> Response:
    if console.settings.web.auth == "trusted_header":
        return RedirectResponse("/", status_code=303)
    message = "Your session ended after a period without use. Please sign in again." if expired else ""
    return sign_in_page(console, request, target=safe_next(next), message=message)


def _verify(stored_hash: str, password: str) -> tuple[bool, str | None]:
    """Whether the password matches, and a stronger hash when the stored one is outdated."""
    ok = verify_password(stored_hash, password)
    return ok, (hash_password(password) if ok and needs_rehash(stored_hash) else None)


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
async def login(request: Request, console: ConsoleDep) -> Response:
    form = SignIn.read_all(await request.form())
    username = form.username
    address = request.client.host if request.client else "unknown"
    now = console.now()

    def precheck() -> tuple[int | None, str, bool, signin.Refusal | None]:
        with console.app.uow() as uow:
            user = uow.users.by_username(username) if username else None
            user_id = user.id if user else None
            return (user_id, user.password_hash if user else "", bool(user and user.active),
                    signin.refusal(uow, user_id, address, now))

    user_id, stored_hash, active, refused = await run_in_threadpool(precheck)

    def again(status: int, error: str) -> Response:
        """The sign-in page once more, keeping the name typed and any form carried."""
        return sign_in_page(console, request, status, errors=[FieldError("username", error)],
                            target=form.target, username=username, carry=form.carry, resume=form.resume_at)

    if refused is not None:
        minutes = max(1, round(refused.seconds / 60))
        text = (f"Too many sign-in attempts failed: this account or address is locked for {minutes} "
                "minute(s). A MAST administrator can lift the lock." if refused.locked else
                f"Too many sign-in attempts failed. Wait {refused.seconds} second(s) and try again.")
        return again(429, text)
    # argon2 is slow on purpose: in a worker thread, and few at once, so pages keep being served.
    ok, new_hash = await anyio.to_thread.run_sync(_verify, stored_hash, form.password,
                                                  limiter=console.limiter())

    def record() -> str | None:
        with console.app.uow() as uow:
            user = uow.users.get(user_id) if user_id is not None else None
            if ok and active and user is not None and user.id is not None:
                uow.users.update(user, password_hash=new_hash, logged_in=True)
                signin.record_success(uow, user.id)
                uow.audit.append(user.username, "signed_in", "user", str(user.id))
                token = uow.web_sessions.start(user.id)
                # Sessions nobody used for the idle time are dead anyway: keep the table small.
                uow.web_sessions.end_idle(now - timedelta(minutes=console.settings.web.session_minutes))
                uow.commit()
                return token
            signin.record_failure(uow, user_id, address, now)
            if user is not None:
                uow.audit.append(user.username, "sign_in_failed", "user", str(user.id))
            uow.commit()
            return None

    token = await run_in_threadpool(record)
    if token is None:
        return again(401, "The user name or password is not right")
    start_session(request, token)
    if form.resume_at and form.carry:
        return console.render(request, ResumeScreen(resume=form.resume_at, carry=form.carry))
    return RedirectResponse(form.target, status_code=303)


@router.post("/logout", dependencies=[Depends(csrf_checked)])
def logout(request: Request, console: ConsoleDep) -> Response:
    token = request.session.get("sid")
    if token:
        with console.app.uow() as uow:
            row = uow.web_sessions.find(str(token))
            user = uow.users.get(row.user_id) if row else None
            uow.web_sessions.end(str(token))
            if user is not None:
                uow.audit.append(user.username, "signed_out", "user", str(user.id))
            uow.commit()
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, user: SignedIn, console: ConsoleDep, changed: int = 0) -> Response:
    return console.render(request, PasswordScreen(changed=bool(changed)))


@router.post("/account/password", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
async def change_password(request: Request, user: SignedIn, console: ConsoleDep) -> Response:
    form = ChangePassword.read(await request.form())
    with console.app.uow() as uow:
        account = uow.users.get(user.id)
        stored = account.password_hash if account else ""
    errors: list[FieldError] = []
    ok, _ = await anyio.to_thread.run_sync(_verify, stored, form.current, limiter=console.limiter())
    if not ok:
        errors.append(FieldError("current", "Your current password is not right"))
    errors += form.problems()
    new_hash = ""
    if not errors:
        try:
            new_hash = await anyio.to_thread.run_sync(hash_password, form.new, limiter=console.limiter())
        except PasswordTooWeak:
            errors.append(FieldError("new", "Your new password needs at least 12 characters"))
    if errors:
        return console.render(request, PasswordScreen(errors=errors), 422)
    with console.app.uow() as uow:
        account = uow.users.get(user.id)
        assert account is not None
        uow.users.update(account, password_hash=new_hash)
        # Every session ends, this one too; it is replaced so the person stays signed in here.
        ended = uow.web_sessions.end_all(user.id)
        token = uow.web_sessions.start(user.id)
        uow.audit.append(user.username, "password_changed", "user", str(user.id), f"{ended} sessions ended")
        uow.commit()
    start_session(request, token)
    return RedirectResponse("/account/password?changed=1", status_code=303)
