"""The web console under load, for `make bench`: page times over a full database, and a sign-in storm.

Builds 500 fictional children with 4 tools each (2,000 tools) straight through the repositories
(from one parsed sample, with the child's name and scores varied), serves the console on the
loopback address, and times pages with a real HTTP client. Then 8 clients send wrong passwords
as fast as they are answered while another client keeps reading pages. Only 127.0.0.1 is used,
and every loop is bounded in count and time.
"""

from __future__ import annotations

import random
import socket
import statistics
import tempfile
import threading
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

CHILDREN = 500
TOOLS_PER_CHILD = 4
ON_NEXT_AGENDA = 25
WAITING = 5
PASSWORD = "a long fictional bench password"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _populate(app, sample: bytes) -> date:  # noqa: ANN001 - the wired App
    """Store the children and tools; returns the next meeting's date."""
    from mast_intake.models.codec import record_to_storage
    from mast_intake.notifier.meetings import next_meeting_date
    from mast_intake.parsers.word import parse_docx
    from mast_intake.validation.run import run_checks
    from mast_intake.web.auth import hash_password

    base = parse_docx(sample, "bench.docx", "")
    findings = [f.to_dict() for f in run_checks(base)]
    now = app.clock()
    upcoming = next_meeting_date(now, app.settings)
    rng = random.Random(14)
    latest = []
    with app.uow() as uow:
        for child_number in range(CHILDREN):
            dob = date(2009, 1, 1) + timedelta(days=child_number * 7)
            name = f"Benchchild Number{child_number:03d}"
            child = uow.children.find_or_create_child(name, dob, [])
            for tool in range(TOOLS_PER_CHILD):
                received = now - timedelta(days=3 * (TOOLS_PER_CHILD - tool), hours=rng.randint(1, 20))
                details = replace(base.child, fields={**base.child.fields, "name": name})
                record = replace(base, child=details, assessment_date=received.date())
                submission = uow.submissions.add(
                    message_id=f"<bench-{child_number}-{tool}@northyorks.gov.uk>",
                    sha256=f"{child_number:032d}{tool:032d}", file_name="bench.docx", kind=base.kind,
                    sender="bench.worker@northyorks.gov.uk", received_at=received, status="parsed",
                    record=record_to_storage(record), findings=findings, child_id=child.id,
                    assessment_date=received.date(), stated_total=base.stated_total,
                    stated_category=base.stated_category,
                    computed_total=base.computed_total + rng.randint(0, 12),
                    computed_category=base.computed_category)
                entry = uow.agenda.enqueue(submission, is_review=tool > 0, needs_correction=False)
            latest.append(entry)
        uow.agenda.place_on_meeting(latest[:ON_NEXT_AGENDA], upcoming)
        past = latest[ON_NEXT_AGENDA:len(latest) - WAITING]
        for number in range(0, len(past), 20):
            uow.agenda.place_on_meeting(past[number:number + 20], upcoming - timedelta(days=7 + number // 20))
        uow.users.add("bench.reader", "coordinator", hash_password(PASSWORD), "Bench Reader")
        uow.users.add("bench.target", "member", hash_password(PASSWORD), "Bench Target")
        uow.commit()
    return upcoming


def _timed(client, path: str, rounds: int) -> list[float]:  # noqa: ANN001 - an httpx.Client
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return times


def _figures(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"median {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms   ({len(ordered)} requests)"


def _signed_in(base: str):  # noqa: ANN201 - an httpx.Client
    import re

    import httpx

    client = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": "bench.reader", "password": PASSWORD,
                                           "csrf_token": token})
    if response.status_code != 303:
        raise RuntimeError("the bench reader could not sign in")
    return client


def _storm(app, base: str, reader, throttled: bool, seconds: float = 8.0,  # noqa: ANN001 - App, Client
           clients: int = 8, cap: int = 400) -> str:
    """8 clients send wrong passwords while ``reader`` reads the agenda; one line of figures."""
    import re

    import httpx

    from mast_intake.web import signin

    with app.uow() as uow:  # each phase starts with no failures counted
        target = uow.users.by_username("bench.target")
        for key in (signin.address_key("127.0.0.1"), signin.account_key(target.id)):
            uow.sign_in_throttle.clear(key)
        uow.commit()

    saved = signin.ACCOUNT_POLICY, signin.ADDRESS_POLICY
    if not throttled:  # every attempt then reaches argon2: the worst case for the CPU
        signin.ACCOUNT_POLICY = signin.ADDRESS_POLICY = signin.ThrottlePolicy(10**9, 10**9)
    counts = {"checked": 0, "refused": 0}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def attacker() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
            for _ in range(cap):
                if time.monotonic() > stop:
                    return
                status = client.post("/login", data={"username": "bench.target", "password": "wrong guess",
                                                      "csrf_token": token}).status_code
                with lock:
                    counts["checked" if status == 401 else "refused"] += 1

    threads = [threading.Thread(target=attacker) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    pages = []
    while time.monotonic() < stop:
        pages += _timed(reader, "/agenda", 1)
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    signin.ACCOUNT_POLICY, signin.ADDRESS_POLICY = saved
    total = counts["checked"] + counts["refused"]
    return (f"{total / elapsed:6.1f} attempts/s answered ({counts['checked']} passwords checked, "
            f"{counts['refused']} refused by the throttle); agenda meanwhile {_figures(pages)}")


def web_console_figures(sample: bytes) -> list[str]:
    """Every line `make bench` prints for the web console; ``sample`` is a Word risk tool."""
    from mast_intake.bootstrap import bootstrap
    from mast_intake.config.settings import Settings
    from mast_intake.web import serve_in_background

    lines = []
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder) / "var")
        settings.web.port = _free_port()
        settings.web.secret_key = "bench-secret-key-not-for-use"
        app = bootstrap(settings)
        started = time.perf_counter()
        upcoming = _populate(app, sample)
        lines.append(f"  {CHILDREN} children, {CHILDREN * TOOLS_PER_CHILD} tools stored in "
                     f"{time.perf_counter() - started:.1f} s; {ON_NEXT_AGENDA} cases on the next agenda")
        thread = serve_in_background(app)
        base = f"http://127.0.0.1:{settings.web.port}"
        try:
            reader = _signed_in(base)
            day = upcoming.isoformat()
            _timed(reader, f"/agenda?day={day}", 2)  # warm templates and caches
            agenda = f"/agenda?day={day}"
            lines.append(f"  {'agenda (25 cases, 5 waiting)':<34} {_figures(_timed(reader, agenda, 30))}")
            ids = [1 + TOOLS_PER_CHILD * n + TOOLS_PER_CHILD - 1 for n in range(30)]
            times = [t for i in ids for t in _timed(reader, f"/submissions/{i}", 1)]
            lines.append(f"  {'submission page':<34} {_figures(times)}")
            times = [t for n in range(1, ON_NEXT_AGENDA + 1)
                     for t in _timed(reader, f"/meetings/{day}/chair?case={n}", 1)]
            lines.append(f"  {'meeting mode, one case':<34} {_figures(times)}")
            lines.append(f"  {'agenda, nobody signing in':<34} {_figures(_timed(reader, agenda, 20))}")
            lines.append("  8 clients sending wrong passwords while one reads the agenda:")
            off = _storm(app, base, reader, throttled=False)
            lines.append(f"    throttle off (every attempt hashed): {off}")
            on = _storm(app, base, reader, throttled=True)
            lines.append(f"    throttle on (as deployed):           {on}")
            reader.close()
        finally:
            thread.server.should_exit = True  # type: ignore[attr-defined]
            thread.join(timeout=10)
            app.close()
    return lines


if __name__ == "__main__":
    import sys

    # Only this part of `make bench`: python scripts/bench_web.py ../shared/samples/sample_03.docx
    print("\n".join(web_console_figures(Path(sys.argv[1]).read_bytes())))
