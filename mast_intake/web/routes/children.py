"""A child's record over time, and finding a child by name or date of birth."""

# No "from __future__ import annotations": FastAPI must see the Annotated dependency types.
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from mast_intake.web.context import ConsoleDep, Id, Reader, not_found
from mast_intake.web.forms import FieldError
from mast_intake.web.page_models import ChildScreen, SearchResult, SearchScreen
from mast_intake.web.pages import child_page

router = APIRouter()


@router.get("/children/{child_id}", response_class=HTMLResponse)
def child(request: Request, child_id: Id, user: Reader, console: ConsoleDep) -> Response:
    with console.app.uow() as uow:
        page = child_page(uow, child_id)
        if page is None:
            raise not_found("There is no such child.")
        uow.audit.append(user.username, "viewed", "child", str(child_id))
        uow.commit()
    return console.render(request, ChildScreen(page=page))


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, user: Reader, console: ConsoleDep, name: str = "", dob: str = "") -> Response:
    born: date | None = None
    errors: list[FieldError] = []
    if dob.strip():
        try:
            born = date.fromisoformat(dob.strip())
        except ValueError:
            errors.append(FieldError("dob", "Enter the date of birth as a date, for example 2011-02-04"))
    results: list[SearchResult] | None = None
    if (name.strip() or born) and not errors:
        with console.app.uow() as uow:
            found = uow.children.search(name, born)
            results = [SearchResult(id=c.id, name=uow.children.display_name(c), dob=c.dob,
                                    names=uow.children.names(c.id)) for c in found if c.id is not None]
            # The search words may be a name: the audit line keeps only how many were found.
            uow.audit.append(user.username, "searched", "child", "-", f"{len(results)} found")
            uow.commit()
    return console.render(request, SearchScreen(name=name, dob=dob, results=results, errors=errors),
                          400 if errors else 200)
