"""A real service (SQLite, Maildir) with fictional tools read by the real poll, and a console over it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from mast_intake.bootstrap import App, bootstrap
from mast_intake.config.settings import Settings
from mast_intake.intake.poll import poll_once
from mast_intake.notifier.meetings import next_meeting_date, place_cases
from mast_intake.web import create_app
from mast_intake.web.auth import hash_password
from tests.fakes import FakeClock
from tests.fixtures.factory import base_spec, build_form
from tests.mail_factory import drop, email_with

PASSWORD = "fictional-test-password"


@dataclass
class Console:
    """The wired service, its clock, and a browser-like client of its console."""

    app: App
    clock: FakeClock
    client: TestClient

    def login(self, username: str, password: str = PASSWORD) -> None:
        token = self.csrf("/login")
        response = self.client.post("/login", data={"username": username, "password": password,
                                                    "csrf_token": token, "next": "/agenda"})
        assert response.status_code == 303, response.text

    def csrf(self, path: str) -> str:
        """The CSRF token of the current session, read from a form on ``path``."""
        page = self.client.get(path).text
        marker = 'name="csrf_token" value="'
        start = page.index(marker) + len(marker)
        return page[start:page.index('"', start)]

    def audit(self, **filters: object) -> list[SimpleNamespace]:
        """Audit lines matching ``filters``, newest first, copied out of the session."""
        with self.app.uow() as uow:
            return [SimpleNamespace(actor=r.actor, action=r.action, subject_type=r.subject_type,
                                    subject_id=r.subject_id, detail=r.detail)
                    for r in uow.audit.list(**filters)]


def make_settings(root: Path) -> Settings:
    settings = Settings(data_dir=root / "var")
    settings.web.secret_key = "fictional-test-secret-key"
    settings.web.session_minutes = 30
    return settings


def populate(app: App, clock: FakeClock, tools: int = 1) -> None:
    """Drop fictional tools into the inbox, read them with the real poll, and place them."""
    for index in range(tools):
        drop(app.settings.maildir_path, email_with([(f"tool-{index}.docx", build_form(base_spec()))],
                                                    sent_at=clock()))
    poll_once(app.poll_context())
    with app.uow() as uow:
        place_cases(uow, next_meeting_date(clock(), app.settings), app.settings, clock())
        uow.commit()


def another_child(number: int):
    """A fictional tool about a different child than base_spec's (so it is a case of its own)."""
    from dataclasses import replace

    from tests.fixtures.factory import ItemAnswer, with_answers

    spec = replace(base_spec(), name=f"Tamsin Trevail{'abcdefgh'[number]}", dob=date(2012, 3, 1 + number),
                   age=14)
    return with_answers(spec, frequenting_cse_areas=ItemAnswer(1, "Seen at the bus station late at night.",
                                                               "bare"))


def add_user(app: App, username: str, role: str, password: str = PASSWORD) -> None:
    with app.uow() as uow:
        uow.users.add(username, role, hash_password(password), username.title())
        uow.commit()


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    clock = FakeClock(datetime.combine(date.today(), datetime.min.time(), UTC).replace(hour=7))
    app = bootstrap(make_settings(tmp_path), clock=clock)
    populate(app, clock)
    for name, role in (("cora.coordinator", "coordinator"), ("mo.member", "member"), ("ada.admin", "admin")):
        add_user(app, name, role)
    with TestClient(create_app(app), base_url="http://127.0.0.1:8000", follow_redirects=False) as client:
        yield Console(app, clock, client)
    app.close()
