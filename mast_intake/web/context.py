"""What every route of the console shares: the wired service, rendering, who is signed in, errors.

The routers (``mast_intake/web/routes/``) get the ``Console`` from ``request.app.state`` through
the dependencies here, so each router is a plain module with no closures over ``create_app``.
"""

# No "from __future__ import annotations": FastAPI must see the Annotated dependency types.
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import anyio
from fastapi import Depends, Path, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from mast_intake.bootstrap import App
from mast_intake.config.settings import Settings
from mast_intake.domain.calendar import MeetingCalendar
from mast_intake.notifier.agenda import calendar_of
from mast_intake.web.auth import CurrentUser, csrf_matches, new_csrf_token
from mast_intake.web.signin import HASHING_THREADS

if TYPE_CHECKING:
    from mast_intake.web.page_models import PageModel

# Ids are PostgreSQL "integer" columns: anything larger cannot exist, so it is "not found".
MAX_ID = 2**31 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
# Touch a session row at most this often: a page view need not always be a database write.
TOUCH_EVERY_SECONDS = 30


class LoginRequired(Exception):
    """No one is signed in (or the session timed out): go to the sign-in page."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("sign in required")
        self.expired = expired


class Forbidden(Exception):
    """Signed in, but the role does not allow this."""


class BadCsrf(Exception):
    """A form came without the session's CSRF token."""


class PageError(Exception):
    """A request the console answers with an error page: a bad date (400), an unknown id (404)."""

    def __init__(self, status_code: int, title: str, message: str) -> None:
        super().__init__(title)
        self.status_code, self.title, self.message = status_code, title, message


def not_found(message: str) -> PageError:
    return PageError(404, "Page not found", message)


def bad_request(message: str) -> PageError:
    return PageError(400, "There is a problem with the address", message)


@dataclass
class Console:
    """The wired service and what the routes render with."""

    app: App
    templates: Jinja2Templates
    hashing: list[anyio.CapacityLimiter] = field(default_factory=list)

    @property
    def settings(self) -> Settings:
        return self.app.settings

    @cached_property
    def calendar(self) -> MeetingCalendar:
        """The meeting calendar (bank holidays and closures included): the one place days are decided."""
        return calendar_of(self.settings.meeting)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.meeting.timezone)

    def now(self) -> datetime:
        return self.app.clock()

    def today(self) -> date:
        return self.now().astimezone(self.zone).date()

    def limiter(self) -> anyio.CapacityLimiter:
        """The limit on password hashing threads (made in the event loop on first use)."""
        if not self.hashing:
            self.hashing.append(anyio.CapacityLimiter(HASHING_THREADS))
        return self.hashing[0]

    def render(self, request: Request, page: "PageModel", status_code: int = 200) -> HTMLResponse:
        """``page``'s template filled with its fields and what every page needs."""
        context: dict[str, Any] = {f.name: getattr(page, f.name) for f in fields(page)}
        context.update(user=getattr(request.state, "user", None), request=request,
                       csrf_token=csrf_token(request), auth_mode=self.settings.web.auth, today=self.today())
        return self.templates.TemplateResponse(request, page.TEMPLATE, context, status_code=status_code)


def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


def csrf_token(request: Request) -> str:
    """The CSRF token of the browser's session, made on first use."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = new_csrf_token()
    return token


def safe_next(target: str | None) -> str:
    """Only a path on this site may follow a sign-in, never another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "") if not parts.netloc else "/"


def _current_user(console: Console, request: Request) -> CurrentUser | None:
    settings = console.settings
    if settings.web.auth == "trusted_header":
        name = request.headers.get(settings.web.user_header, "").strip()
        if not name:
            return None
        with console.app.uow() as uow:
            user = uow.users.by_username(name)
            if user is None or not user.active or user.id is None:
                return None
            return CurrentUser(user.id, user.username, user.display_name, user.role)
    token = request.session.get("sid")
    if not token:
        return None
    now = console.now()
    with console.app.uow() as uow:
        row = uow.web_sessions.find(str(token))
        if row is None:
            request.session.pop("sid", None)
            return None
        if (now - row.last_seen_at).total_seconds() > settings.web.session_minutes * 60:
            uow.web_sessions.end(str(token))
            uow.commit()
            request.session.pop("sid", None)
            raise LoginRequired(expired=True)
        user = uow.users.get(row.user_id)
        if user is None or not user.active or user.id is None:
            uow.web_sessions.end_all(row.user_id)
            uow.commit()
            request.session.pop("sid", None)
            return None
        current = CurrentUser(user.id, user.username, user.display_name, user.role)
        if (now - row.last_seen_at).total_seconds() >= TOUCH_EVERY_SECONDS:
            uow.web_sessions.touch(row)
            uow.commit()
    return current


def signed_in(request: Request) -> CurrentUser:
    user = _current_user(console_of(request), request)
    if user is None:
        raise LoginRequired()
    request.state.user = user
    return user


SignedIn = Annotated[CurrentUser, Depends(signed_in)]
ConsoleDep = Annotated[Console, Depends(console_of)]


def needs(permission: str) -> Callable[[CurrentUser], CurrentUser]:
    """A FastAPI dependency: the signed-in user, if their role allows ``permission``."""
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


def start_session(request: Request, token: str) -> None:
    """A fresh browser session holding ``token``, so a token planted before sign-in is worthless."""
    request.session.clear()
    request.session.update(sid=token, csrf=new_csrf_token())


def send_outbox(app: App) -> None:
    """Send what waits in the outbox, as a background task after the response."""
    # Imported late: the scheduler pulls in APScheduler.
    from mast_intake.scheduler import send_outbox as send

    send(app)
