"""Sign-in, session timeout, roles and CSRF of the web console, over plain HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from mast_intake.bootstrap import bootstrap
from mast_intake.cli import main
from mast_intake.web import create_app
from mast_intake.web.auth import hash_password, verify_password
from tests.unit.web.conftest import PASSWORD, Console, add_user, make_settings


def test_pages_need_a_signed_in_user(console: Console) -> None:
    for path in ("/agenda", "/submissions/1", "/children/1", "/search", "/quarantine", "/users"):
        response = console.client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


def test_sign_in_with_the_right_password_only(console: Console) -> None:
    token = console.csrf("/login")
    wrong = console.client.post("/login", data={"username": "cora.coordinator", "password": "not it",
                                                "csrf_token": token})
    assert wrong.status_code == 401 and "not right" in wrong.text
    assert console.audit(action="sign_in_failed")[0].actor == "cora.coordinator"
    unknown = console.client.post("/login", data={"username": "nobody", "password": PASSWORD,
                                                  "csrf_token": token})
    assert unknown.status_code == 401
    console.login("cora.coordinator")
    assert console.client.get("/agenda").status_code == 200
    assert console.audit(action="signed_in")[0].actor == "cora.coordinator"


def test_sign_in_form_needs_its_csrf_token(console: Console) -> None:
    response = console.client.post("/login", data={"username": "cora.coordinator", "password": PASSWORD})
    assert response.status_code == 400
    assert console.client.get("/agenda").status_code == 303


def test_no_redirect_to_another_site_after_sign_in(console: Console) -> None:
    token = console.csrf("/login")
    response = console.client.post("/login", data={"username": "mo.member", "password": PASSWORD,
                                                   "csrf_token": token, "next": "//evil.example/x"})
    assert response.headers["location"] == "/"


def test_session_ends_after_the_idle_timeout(console: Console) -> None:
    console.login("mo.member")
    console.clock.advance(minutes=20)
    assert console.client.get("/agenda").status_code == 200
    console.clock.advance(minutes=20)  # 40 minutes since sign-in, but only 20 idle
    assert console.client.get("/agenda").status_code == 200
    console.clock.advance(minutes=31)
    response = console.client.get("/agenda")
    assert response.status_code == 303 and "expired=1" in response.headers["location"]
    # The session is gone, not just refused once.
    console.clock.advance(seconds=1)
    assert console.client.get("/agenda").headers["location"].startswith("/login")


def test_disabled_account_is_signed_out_at_once(console: Console) -> None:
    console.login("mo.member")
    with console.app.uow() as uow:
        user = uow.users.by_username("mo.member")
        uow.users.update(user, active=False)
        uow.commit()
    assert console.client.get("/agenda").status_code == 303


def test_sign_out_ends_the_session(console: Console) -> None:
    console.login("mo.member")
    token = console.csrf("/agenda")
    assert console.client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert console.client.get("/agenda").status_code == 303


@pytest.mark.parametrize(("username", "allowed", "refused"), [
    ("mo.member", ["/agenda", "/submissions/1", "/children/1", "/search"], ["/quarantine", "/users"]),
    ("cora.coordinator", ["/agenda", "/submissions/1", "/children/1"], ["/quarantine", "/users"]),
    ("ada.admin", ["/agenda", "/quarantine", "/users", "/submissions/1"], []),
])
def test_roles_decide_what_can_be_read(console: Console, username: str, allowed: list[str],
                                       refused: list[str]) -> None:
    console.login(username)
    for path in allowed:
        assert console.client.get(path).status_code == 200, path
    for path in refused:
        assert console.client.get(path).status_code == 403, path


@pytest.mark.parametrize("username", ["mo.member", "ada.admin"])
def test_only_coordinators_record_decisions(console: Console, username: str) -> None:
    console.login(username)
    page = console.client.get("/submissions/1").text
    assert "Record MAST&#39;s decision" not in page and "Record MAST's decision" not in page
    token = console.csrf("/agenda")
    response = console.client.post("/submissions/1/decision", data={
        "csrf_token": token, "level": "low", "case_status": "added", "nrm": "no"})
    assert response.status_code == 403
    with console.app.uow() as uow:
        assert uow.decisions.for_entry(uow.agenda.for_submission(1).id) == []


def test_decision_without_the_csrf_token_is_refused(console: Console) -> None:
    console.login("cora.coordinator")
    response = console.client.post("/submissions/1/decision", data={
        "csrf_token": "forged", "level": "low", "case_status": "added", "nrm": "no"})
    assert response.status_code == 400
    with console.app.uow() as uow:
        assert uow.agenda.for_submission(1).state == "on_agenda"


def test_csrf_token_changes_at_sign_in(console: Console) -> None:
    before = console.csrf("/login")
    console.login("mo.member")
    assert console.csrf("/agenda") != before


def test_pages_are_not_cached_and_lock_down_scripts(console: Console) -> None:
    token = console.csrf("/login")
    signed_in = console.client.post("/login", data={"username": "mo.member", "password": PASSWORD,
                                                    "csrf_token": token})
    cookie = signed_in.headers.get("set-cookie", "")
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    response = console.client.get("/submissions/1")
    assert response.headers["cache-control"] == "no-store"
    # Only the console's own script: nothing inline, nothing from elsewhere.
    assert "script-src 'self';" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


def test_trusted_header_mode_takes_the_user_from_the_proxy(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    settings.web.auth = "trusted_header"
    app = bootstrap(settings)
    add_user(app, "sso.member", "member")
    with TestClient(create_app(app), follow_redirects=False) as client:
        assert client.get("/agenda").status_code == 403
        assert client.get("/agenda", headers={"X-Remote-User": "someone.else"}).status_code == 403
        response = client.get("/agenda", headers={"X-Remote-User": "SSO.Member"})
        assert response.status_code == 200 and "sso.member" in response.text.lower()
        assert client.get("/login").status_code == 303
    app.close()


def test_passwords_are_argon2_hashes() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$") and "correct" not in stored
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "wrong horse battery")
    assert not verify_password("", "anything at all")
    with pytest.raises(ValueError, match="12 characters"):
        hash_password("short")


def test_user_add_command_reads_the_password_from_stdin(tmp_path: Path) -> None:
    env = {"MAST_INTAKE_DATA_DIR": str(tmp_path / "var")}
    runner = CliRunner()
    result = runner.invoke(main, ["user", "add", "Pat.Chair", "--role", "coordinator", "--name", "Pat Chair",
                                  "--password-stdin"], input="a long fictional password\n", env=env)
    assert result.exit_code == 0, result.output
    again = runner.invoke(main, ["user", "add", "pat.chair", "--role", "member", "--password-stdin"],
                          input="another long password\n", env=env)
    assert again.exit_code != 0 and "already" in again.output
    short = runner.invoke(main, ["user", "add", "kim", "--role", "member", "--password-stdin"],
                          input="short\n", env=env)
    assert short.exit_code != 0 and "12 characters" in short.output
    listed = runner.invoke(main, ["user", "list"], env=env)
    assert "pat.chair\tcoordinator\tactive" in listed.output
    app = bootstrap(make_settings(tmp_path))
    with app.uow() as uow:
        user = uow.users.by_username("pat.chair")
        assert user is not None and verify_password(user.password_hash, "a long fictional password")
    app.close()
