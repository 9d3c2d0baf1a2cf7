"""One typed model per page: everything its template is given, by name.

``Console.render`` hands a model's fields to its ``TEMPLATE`` as the template's variables, and
adds what every page needs (the person signed in, the CSRF token, today). A new variable for a
template is a new field here, so the route that fills it is checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar

from mast_intake.notifier.views.agenda import AgendaView
from mast_intake.reports.figures import Report
from mast_intake.web.agenda_rows import AgendaRow
from mast_intake.web.decision_form import DecisionForm
from mast_intake.web.forms import AddUser, FieldError
from mast_intake.web.pages import ChildPage, SubmissionPage
from mast_intake.web.quarantine import QuarantineRow
from mast_intake.web.reports import Chart
from mast_intake.web.signin import Lock


@dataclass
class PageModel:
    """What one template shows; subclasses name their template."""

    TEMPLATE: ClassVar[str]


@dataclass
class ErrorScreen(PageModel):
    """An error in plain words (the status code is the response's)."""

    TEMPLATE = "error.html"
    title: str
    message: str


@dataclass
class SignInScreen(PageModel):
    """The sign-in page; ``carry`` holds a form that was sent after the session ended."""

    TEMPLATE = "login.html"
    next: str = "/"
    message: str = ""
    errors: list[FieldError] = field(default_factory=list)
    username: str = ""
    carry: list[tuple[str, str]] = field(default_factory=list)
    resume: str = ""


@dataclass
class ResumeScreen(PageModel):
    """Signed in again: the carried form, ready to be sent to ``resume``."""

    TEMPLATE = "resume.html"
    resume: str
    carry: list[tuple[str, str]]


@dataclass
class PasswordScreen(PageModel):
    """Changing one's own password."""

    TEMPLATE = "password.html"
    errors: list[FieldError] = field(default_factory=list)
    changed: bool = False


@dataclass(frozen=True)
class UserRow:
    """An account as the accounts page lists it (copied out of the unit of work)."""

    id: int | None
    username: str
    display_name: str
    role: str
    active: bool
    last_login_at: datetime | None
    sessions: int


@dataclass
class UsersScreen(PageModel):
    """The accounts, the add-account form as typed, and the sign-in locks in force."""

    TEMPLATE = "users.html"
    users: list[UserRow]
    roles: tuple[str, ...]
    locks: list[Lock]
    errors: list[FieldError] = field(default_factory=list)
    notice: str = ""
    form: AddUser = field(default_factory=AddUser)


@dataclass
class AgendaScreen(PageModel):
    """A meeting's agenda, filtered and sorted, with the cases waiting for it."""

    TEMPLATE = "agenda.html"
    view: AgendaView
    rows: list[AgendaRow]
    total: int
    decided: int
    waiting: list[AgendaRow]
    carried_in: int
    others_waiting: int
    day: date
    upcoming: date
    past: list[date]
    coming: list[date]
    is_past: bool
    placed: str | None
    filters: dict[str, dict[str, str]]
    sorts: dict[str, str]
    chosen: dict[str, str]
    filtered: bool


@dataclass
class ChairEmptyScreen(PageModel):
    """Meeting mode for a meeting with no cases."""

    TEMPLATE = "chair_empty.html"
    day: date


@dataclass(kw_only=True)
class DecisionScreen(PageModel):
    """What a page with the decision form beside a case shows about the form."""

    page: SubmissionPage
    can_decide: bool
    can_defer: bool
    correcting: bool
    form: DecisionForm
    errors: list[FieldError]
    notice: str
    return_to: str


@dataclass(kw_only=True)
class ChairScreen(DecisionScreen):
    """Meeting mode: case ``number`` of the meeting, with the way to the next and previous cases."""

    TEMPLATE = "chair.html"
    day: date
    row: AgendaRow
    number: int
    total: int
    decided: int
    previous_case: int | None
    next_case: int | None
    shortcuts: tuple[tuple[str, str], ...]


@dataclass(kw_only=True)
class SubmissionScreen(DecisionScreen):
    """A submission's page: the tool, its findings, its decisions and the decision form."""

    TEMPLATE = "submission.html"
    held: bool
    case_record: str


@dataclass
class ChildScreen(PageModel):
    """A child's record over time."""

    TEMPLATE = "child.html"
    page: ChildPage


@dataclass(frozen=True)
class SearchResult:
    """A child found by the search."""

    id: int
    name: str
    dob: date | None
    names: list[str]


@dataclass
class SearchScreen(PageModel):
    """Finding a child by name or date of birth (``results`` is None before a search)."""

    TEMPLATE = "search.html"
    name: str
    dob: str
    results: list[SearchResult] | None
    errors: list[FieldError]


@dataclass
class QuarantineScreen(PageModel):
    """The quarantined emails, and what was just done with one."""

    TEMPLATE = "quarantine.html"
    rows: list[QuarantineRow]
    done: str


@dataclass
class ReportsScreen(PageModel):
    """The partnership report for a period."""

    TEMPLATE = "reports.html"
    report: Report
    charts: list[Chart]
    error: str
    errors: list[FieldError]
    start: str
    end: str

