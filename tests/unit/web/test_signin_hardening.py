"""Sign-in throttle and lock, server-side sessions, password change in the console."""

from __future__ import annotations

from mast_intake.web.signin import ACCOUNT_POLICY, ADDRESS_POLICY
from tests.unit.web.conftest import PASSWORD, Console


def _try(console: Console, username: str, password: str):
    token = console.csrf("/login")
    return console.client.post("/login", data={"username": username, "password": password,
                                               "csrf_token": token})


def test_a_burst_of_wrong_passwords_keeps_out_even_the_right_one(console: Console) -> None:
    statuses = []
    for _ in range(200):
        statuses.append(_try(console, "cora.coordinator", "wrong guess").status_code)
        console.clock.advance(seconds=0.44)  # 200 attempts in 88 seconds
    # A few free attempts, then back-off refusals (429) that do not even check the password.
    assert statuses[:ACCOUNT_POLICY.free_failures] == [401] * ACCOUNT_POLICY.free_failures
    assert statuses.count(429) > 150
    right = _try(console, "cora.coordinator", PASSWORD)
    assert right.status_code == 429 and "Too many sign-in attempts failed" in right.text
    assert console.client.get("/agenda").status_code == 303


def test_back_off_doubles_then_the_right_password_works_once_waited(console: Console) -> None:
    for _ in range(ACCOUNT_POLICY.free_failures):
        assert _try(console, "mo.member", "wrong guess").status_code == 401
    assert "Wait 1 second" in _try(console, "mo.member", PASSWORD).text
    console.clock.advance(seconds=2)
    assert _try(console, "mo.member", "wrong guess").status_code == 401
    refused = _try(console, "mo.member", PASSWORD)
    assert refused.status_code == 429 and "Wait 2 second" in refused.text
    console.clock.advance(seconds=3)
    assert _try(console, "mo.member", PASSWORD).status_code == 303
    # Success clears the account's failures.
    console.client.cookies.clear()
    assert _try(console, "mo.member", "wrong guess").status_code == 401


def test_an_admin_lifts_a_lock_and_it_is_audited(console: Console) -> None:
    for _ in range(ACCOUNT_POLICY.lock_after):
        _try(console, "mo.member", "wrong guess")
        console.clock.advance(seconds=600)  # past every back-off, so each attempt counts
    assert "locked" in _try(console, "mo.member", PASSWORD).text
    locks = console.audit(action="sign_in_locked", subject_type="user")
    assert len(locks) == 1 and "10 failures" in locks[0].detail
    console.client.cookies.clear()
    console.login("ada.admin")
    page = console.client.get("/users").text
    assert "Lift the lock on Account mo.member" in page
    token = console.csrf("/users")
    lifted = console.client.post("/users/locks/lift", data={"csrf_token": token, "key": "account:2"})
    assert "Sign-in lock lifted" in lifted.text
    assert console.audit(action="sign_in_unlocked")[0].actor == "ada.admin"
    console.client.cookies.clear()
    assert _try(console, "mo.member", PASSWORD).status_code == 303


def test_one_address_guessing_many_names_is_throttled(console: Console) -> None:
    statuses = [_try(console, f"nobody{n}", "wrong guess").status_code
                for n in range(ADDRESS_POLICY.free_failures + 3)]
    assert 429 in statuses
    # Unknown names add no rows of their own: only the address is counted.
    with console.app.uow() as uow:
        assert [row.key for row in uow.sign_in_throttle.locked(console.clock())] == []
        assert uow.sign_in_throttle.get("address:testclient") is not None


def test_a_saved_cookie_is_worthless_after_sign_out(console: Console) -> None:
    console.login("mo.member")
    saved = dict(console.client.cookies)
    token = console.csrf("/agenda")
    console.client.post("/logout", data={"csrf_token": token})
    console.client.cookies.clear()
    for name, value in saved.items():
        console.client.cookies.set(name, value)
    assert console.client.get("/agenda").status_code == 303


def test_sign_out_everywhere_and_disable_end_sessions_at_once(console: Console) -> None:
    console.login("mo.member")
    member_cookies = dict(console.client.cookies)
    console.client.cookies.clear()
    console.login("ada.admin")
    token = console.csrf("/users")
    with console.app.uow() as uow:
        member_id = uow.users.by_username("mo.member").id
    done = console.client.post(f"/users/{member_id}/sign-out", data={"csrf_token": token})
    assert "signed out everywhere (1 sessions ended)" in done.text
    assert console.audit(action="signed_out_everywhere")[0].subject_id == str(member_id)
    admin_cookies = dict(console.client.cookies)
    console.client.cookies.clear()
    for name, value in member_cookies.items():
        console.client.cookies.set(name, value)
    assert console.client.get("/agenda").status_code == 303
    # Disabling ends the sessions too (checked in the table, not only at the next request).
    console.login("mo.member")
    console.client.cookies.clear()
    for name, value in admin_cookies.items():
        console.client.cookies.set(name, value)
    token = console.csrf("/users")
    console.client.post(f"/users/{member_id}", data={"csrf_token": token, "role": "member", "active": "no"})
    with console.app.uow() as uow:
        assert uow.web_sessions.count_for(member_id) == 0


def test_password_change_in_the_console_ends_other_sessions(console: Console) -> None:
    console.login("mo.member")
    other = dict(console.client.cookies)
    console.client.cookies.clear()
    console.login("mo.member")
    token = console.csrf("/account/password")
    wrong = console.client.post("/account/password", data={"csrf_token": token, "current": "not it",
                                                            "new": "a brand new password", "confirm": "x"})
    assert wrong.status_code == 422 and 'href="#current"' in wrong.text and 'href="#confirm"' in wrong.text
    done = console.client.post("/account/password", data={
        "csrf_token": token, "current": PASSWORD, "new": "a brand new password",
        "confirm": "a brand new password"})
    assert done.status_code == 303
    assert console.client.get("/agenda").status_code == 200  # this browser stays signed in
    assert console.audit(action="password_changed")[0].actor == "mo.member"
    console.client.cookies.clear()
    for name, value in other.items():
        console.client.cookies.set(name, value)
    assert console.client.get("/agenda").status_code == 303
    console.client.cookies.clear()
    console.login("mo.member", "a brand new password")


def test_a_decision_typed_past_the_timeout_is_kept_through_sign_in(console: Console) -> None:
    console.login("cora.coordinator")
    token = console.csrf("/submissions/1")
    console.clock.advance(minutes=45)
    typed = {"csrf_token": token, "level": "high", "level_rationale": "Fictional rationale.",
             "case_status": "added", "nrm": "not_referred", "nrm_reason": "Fictional reason.",
             "notes": "Long discussion (fictional).", "action_1": "Strategy meeting",
             "owner_1": "Team manager", "due_1": "2026-12-18",
             "return_to": "/submissions/1"}
    response = console.client.post("/submissions/1/decision", data=typed)
    assert response.status_code == 401 and "what you typed has been kept" in response.text
    assert 'name="carry:notes" value="Long discussion (fictional)."' in response.text
    login = dict(_field_values(response.text))
    login.update(username="cora.coordinator", password=PASSWORD)
    resumed = console.client.post("/login", data=login)
    assert resumed.status_code == 200 and "Save what you typed" in resumed.text
    saved = console.client.post("/submissions/1/decision", data=dict(_field_values(resumed.text)))
    assert saved.status_code == 303 and "recorded=" in saved.headers["location"]
    with console.app.uow() as uow:
        decision = uow.decisions.current(uow.agenda.for_submission(1).id)
        assert decision.level == "high" and decision.notes == "Long discussion (fictional)."
        assert decision.nrm_reason == "Fictional reason."
        assert decision.actions[0].due.isoformat() == "2026-12-18"


def _field_values(page: str) -> list[tuple[str, str]]:
    """The hidden inputs of the page's form, as a browser would send them."""
    import html
    import re

    return [(html.unescape(name), html.unescape(value)) for name, value in
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
]


def test_password_checks_run_off_the_event_loop_so_pages_keep_coming(tmp_path, monkeypatch) -> None:
    """While a sign-in's password check is held up, another client's page is still served."""
    import re
    import socket
    import threading

    import httpx

    from mast_intake.bootstrap import bootstrap
    from mast_intake.web import serve_in_background
    from mast_intake.web.routes import auth as auth_routes
    from tests.unit.web.conftest import add_user, make_settings

    settings = make_settings(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        settings.web.port = probe.getsockname()[1]
    app = bootstrap(settings)
    add_user(app, "mo.member", "member")
    release = threading.Event()
    checking = threading.Event()
    real_verify = auth_routes.verify_password

    def held_verify(stored_hash: str, password: str) -> bool:
        if password == "held attempt":
            checking.set()
            release.wait(30)  # bounded: the test fails rather than hangs
        return real_verify(stored_hash, password)

    monkeypatch.setattr(auth_routes, "verify_password", held_verify)
    thread = serve_in_background(app)
    base = f"http://127.0.0.1:{settings.web.port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as reader, \
                httpx.Client(base_url=base, timeout=60) as other:
            token = re.search(r'name="csrf_token" value="([^"]+)"', reader.get("/login").text).group(1)
            assert reader.post("/login", data={"username": "mo.member", "password": PASSWORD,
                                               "csrf_token": token}).status_code == 303
            other_token = re.search(r'name="csrf_token" value="([^"]+)"', other.get("/login").text).group(1)
            outcome: dict[str, int] = {}
            storm = threading.Thread(target=lambda: outcome.update(status=other.post("/login", data={
                "username": "mo.member", "password": "held attempt", "csrf_token": other_token}).status_code))
            storm.start()
            assert checking.wait(30)
            # The held check blocks a worker thread, not the event loop: the page comes back.
            assert reader.get("/agenda").status_code == 200
            assert storm.is_alive()
            release.set()
            storm.join(30)
            assert outcome["status"] == 401
    finally:
        release.set()
        thread.server.should_exit = True  # type: ignore[attr-defined]
        thread.join(timeout=10)
        app.close()
