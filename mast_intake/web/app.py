"""The MAST web console: a FastAPI application over the service layer, rendered on the server.

Pages are plain HTML from Jinja2 templates styled with the GOV.UK Design System (GOV.UK Frontend,
vendored under ``static/govuk``). Everything works with JavaScript off; the one local script only
adds the Design System's behaviour (accordions). GET requests never change anything; every POST
carries the session's CSRF token. Every page that shows a child's record writes a "viewed" line to
the audit log (ids only, never names). Routes live in ``routes/``, one module per area; each posted
form is a typed model (``forms.py``, ``decision_form.py``) and each page a typed page model
(``page_models.py``) whose fields are its template's variables.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from importlib import resources
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from mast_intake.bootstrap import App
from mast_intake.domain.enums import Level
from mast_intake.domain.errors import NotAMeetingDay
from mast_intake.notifier.views.dates import uk_date, uk_datetime
from mast_intake.notifier.views.labels import band_label
from mast_intake.web.auth import ROLE_LABELS, secret_key
from mast_intake.web.context import BadCsrf, Console, Forbidden, LoginRequired, PageError, safe_next
from mast_intake.web.page_models import ErrorScreen
from mast_intake.web.pages import CASE_STATUS_LABELS, NRM_LABELS, SEVERITY_LABELS, item_name
from mast_intake.web.routes import (
    accounts,
    agenda,
    auth,
    children,
    meeting,
    quarantine,
    reports,
    submissions,
)

log = logging.getLogger(__name__)

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")


def create_app(app: App) -> FastAPI:
    """The web console for the wired service ``app``."""
    web = FastAPI(title="MAST Intake", docs_url=None, redoc_url=None, openapi_url=None)
    package = resources.files("mast_intake.web")
    templates = Jinja2Templates(directory=str(package / "templates"))
    templates.env.filters.update(uk_date=uk_date, uk_datetime=uk_datetime, band=band_label,
                                 item_name=item_name)
    templates.env.globals.update(role_labels=ROLE_LABELS, severity_labels=SEVERITY_LABELS,
                                 case_status_labels=CASE_STATUS_LABELS, nrm_labels=NRM_LABELS,
                                 level_labels=Level.labels())
    console = Console(app, templates)
    web.state.app = app
    web.state.console = console
    web.mount("/static", StaticFiles(directory=str(package / "static")), name="static")
    _error_pages(web, console)

    @web.middleware("http")
    async def security_headers(request: Request,
                               call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        try:
            response = await call_next(request)
        except Exception as exc:  # noqa: BLE001 - any failure becomes the plain 500 page
            response = _crashed(request, exc)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        if not request.url.path.startswith("/static/"):
            # Pages hold children's data: never keep them in a browser or proxy cache.
            response.headers["Cache-Control"] = "no-store"
        return response

    # The session middleware wraps the one above, so the headers apply to every response. The
    # cookie holds only the session token and CSRF token; the session itself is a database row.
    web.add_middleware(SessionMiddleware, secret_key=secret_key(app.settings), session_cookie="mast_session",
                       max_age=12 * 3600, same_site="strict", https_only=app.settings.web.secure_cookies)

    for module in (auth, agenda, meeting, submissions, children, quarantine, accounts, reports):
        web.include_router(module.router)


    @web.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok", "time": datetime.now().astimezone().isoformat(timespec="seconds")}

    return web


def _error_pages(web: FastAPI, console: Console) -> None:
    """Every error is an HTML page in plain words; no traceback ever reaches a response."""

    def page(request: Request, status: int, title: str, message: str) -> Response:
        return console.render(request, ErrorScreen(title, message), status)

    @web.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        if console.settings.web.auth == "trusted_header":
            return page(request, 403, "No access", "Your single sign-on account has no access to the "
                                                   "MAST console. Ask a MAST administrator.")
        query = f"?{request.url.query}" if request.url.query else ""
        target = quote(safe_next(request.url.path + query))
        suffix = "&expired=1" if exc.expired else ""
        return RedirectResponse(f"/login?next={target}{suffix}", status_code=303)

    @web.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return page(request, 403, "Not allowed",
                    "Your role does not allow this. Ask a MAST administrator if you need it.")

    @web.exception_handler(BadCsrf)
    async def _bad_csrf(request: Request, exc: BadCsrf) -> Response:
        return page(request, 400, "Form expired", "This form had expired or did not come from this "
                                                  "site. Go back, reload the page and try again.")

    @web.exception_handler(PageError)
    async def _page_error(request: Request, exc: PageError) -> Response:
        return page(request, exc.status_code, exc.title, exc.message)

    @web.exception_handler(NotAMeetingDay)
    async def _not_a_meeting_day(request: Request, exc: NotAMeetingDay) -> Response:
        # The calendar's message says why (a weekend, a bank holiday, not a date): no child data.
        return page(request, 400, "No meeting on that day", f"{str(exc)[:1].upper()}{str(exc)[1:]}.")

    @web.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if any(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
            return page(request, 404, "Page not found", "There is nothing at this address. Check the "
                                                        "number in it, or go to the agenda.")
        return page(request, 400, "There is a problem with the address",
                    "Part of the address or form is not in the expected form. Go back and try again.")

    @web.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return page(request, 404, "Page not found", "There is nothing at this address.")
        if exc.status_code == 405:
            return page(request, 405, "Not allowed", "This address cannot be used that way.")
        return page(request, exc.status_code, "There is a problem", "The request could not be handled.")


SORRY = ("<!doctype html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Sorry, there is a "
         "problem - MAST Intake</title></head><body><main><h1>Sorry, there is a problem with the service</h1>"
         "<p>Try again later. What you were doing has not been saved.</p></main></body></html>")


def _crashed(request: Request, exc: Exception) -> Response:
    """The 500 page; the log gets the exception's class name only, which carries no child's data."""
    route = request.scope.get("route")
    log.error("web request failed", extra={"route": getattr(route, "path", None),
                                           "error_kind": type(exc).__name__})
    return HTMLResponse(SORRY, status_code=500)
