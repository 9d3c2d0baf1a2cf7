"""Two `poll` processes sharing one PostgreSQL and one mailbox never process a message twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import psycopg

from tests.fixtures.factory import base_spec, build_form
from tests.integration.db_fixtures import throwaway_database
from tests.service_harness import Service

MESSAGES = 12


def test_two_pollers_share_the_work(tmp_path) -> None:
    with throwaway_database() as url:
        service = Service(tmp_path, {"MAST_INTAKE_DATABASE_URL": url})
        for number in range(MESSAGES):
            # A different child in each, so no tool replaces another on the agenda.
            spec = replace(base_spec(), name=f"Testchild Number{number}", dob=date(2011, 1, 1 + number))
            service.send_tool(build_form(spec), name=f"tool{number}.docx")
        service.run("status")  # creates the schema before the race
        pollers = [service.popen("poll", "--once") for _ in range(2)]
        for poller in pollers:
            _, stderr = poller.communicate(timeout=600)
            assert poller.returncode == 0, stderr
        service.run("poll", "--once")  # anything one poller saw moved by the other is finished

        plain = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(plain) as connection:
            submissions = connection.execute(
                "SELECT count(*), count(DISTINCT message_id) FROM submission"
            ).fetchone()
            # Replies only: the children share the invented tool's words, so the copy check
            # (COPIED_FROM_OTHER_CHILD) also alerts the administrator.
            outbox = connection.execute(
                "SELECT count(*), count(DISTINCT message_id) FROM outbox WHERE kind <> 'alert'"
            ).fetchone()
            workers = connection.execute("SELECT count(DISTINCT worker_id) FROM poll_run").fetchone()
        assert submissions == (MESSAGES, MESSAGES)
        assert outbox == (MESSAGES, MESSAGES)
        assert workers == (3,)  # the two racers and the final cycle
        assert len(service.filed("Processed")) == MESSAGES and not service.waiting()
        assert len([m for m in service.outbox() if "admin" not in str(m["To"])]) == MESSAGES
