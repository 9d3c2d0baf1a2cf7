"""Three service instances on one PostgreSQL: every email handled once, every once-only job run once.

Each instance is a process of its own that, at the same moment as the others, runs a poll cycle
and then the scheduler's once-only jobs (agenda, reminders, retention) exactly as the scheduler
wraps them; it keeps running until all three are done, as a long-lived service would.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from datetime import date
from pathlib import Path

import psycopg
import pytest

from mast_intake.bootstrap import bootstrap
from mast_intake.config.settings import Settings
from mast_intake.intake.poll import poll_once
from tests.fixtures.factory import base_spec, build_form
from tests.integration.db_fixtures import throwaway_database
from tests.mail_factory import drop, email_with

INSTANCES = 3
MESSAGES = 9

pytestmark = pytest.mark.postgres


def _instance(data_dir: str, url: str, start, finish, errors) -> None:
    """One service instance: poll, then the once-only jobs, then stay alive until all are done."""
    try:
        from mast_intake.scheduler import once_only_jobs, poll_job
        from mast_intake.storage.leader import leader_lock

        settings = Settings(data_dir=Path(data_dir), database_url=url)
        app = bootstrap(settings)
        lock = leader_lock(settings.db_url, settings.data_dir)
        jobs = once_only_jobs(lock)
        start.wait(timeout=300)
        poll_job(app)
        for job in jobs.values():
            job(app)
        finish.wait(timeout=300)
        lock.close()
        app.close()
    except Exception as exc:  # reported to the test, which fails on it
        errors.put(f"{type(exc).__name__}: {exc}")
        start.abort()
        finish.abort()


def test_three_instances_share_the_mail_and_run_each_job_once(tmp_path) -> None:
    with throwaway_database() as url:
        settings = Settings(data_dir=tmp_path / "var", database_url=url)
        bootstrap(settings).close()  # the schema, before the instances race
        for number in range(MESSAGES):
            spec = replace(base_spec(), name=f"Testchild Number{number}", dob=date(2011, 1, 1 + number))
            drop(settings.maildir_path, email_with([(f"tool{number}.docx", build_form(spec))]))

        context = multiprocessing.get_context("spawn")
        start, finish, errors = context.Barrier(INSTANCES), context.Barrier(INSTANCES), context.Queue()
        args = (str(settings.data_dir), url, start, finish, errors)
        processes = [context.Process(target=_instance, args=args) for _ in range(INSTANCES)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=600)
        assert errors.empty(), errors.get()
        assert [p.exitcode for p in processes] == [0] * INSTANCES
        # Anything one instance listed but another moved first is finished by a later cycle.
        poll_once(bootstrap(settings).poll_context())

        plain = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(plain) as connection:
            submissions = connection.execute(
                "SELECT count(*), count(DISTINCT message_id) FROM submission").fetchone()
            replies = connection.execute(
                "SELECT count(*), count(DISTINCT message_id) FROM outbox WHERE kind = 'precheck'").fetchone()
            jobs = dict(connection.execute(
                "SELECT subject_id, count(*) FROM audit_log WHERE action = 'job_ran' GROUP BY subject_id"
            ).fetchall())
            pollers = connection.execute("SELECT count(DISTINCT worker_id) FROM poll_run").fetchone()
        assert submissions == (MESSAGES, MESSAGES)
        assert replies == (MESSAGES, MESSAGES)
        assert jobs == {"agenda": 1, "reminders": 1, "retention": 1, "integrity": 1}
        assert pollers == (INSTANCES + 1,)
        processed = list((settings.maildir_path / ".Processed").glob("*/*"))
        assert len(processed) == MESSAGES and not list((settings.maildir_path / "new").glob("*"))
