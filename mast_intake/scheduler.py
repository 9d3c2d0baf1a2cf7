"""The scheduled service: poll the mailbox, send the outbox, issue agendas, remind reviews, purge
and check the database nightly.

Several instances may run against one PostgreSQL database: each polls (claims keep a message
to one of them), and the once-only jobs are wrapped with ``singleton`` so that only the
instance holding the leader lock (``storage.leader``) runs them.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_SCHEDULER_SHUTDOWN, EVENT_SCHEDULER_STARTED
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from mast_intake.bootstrap import App, build_mailbox
from mast_intake.intake.poll import poll_once
from mast_intake.intake.push import MailWatcher
from mast_intake.notifier.agenda import calendar_of
from mast_intake.notifier.meetings import agenda_for, place_cases, queue_agenda_email
from mast_intake.notifier.reminders import queue_reminders
from mast_intake.ports.mailbox import MailboxError
from mast_intake.protection.retention import purge
from mast_intake.storage.leader import LeaderLock, leader_lock

log = logging.getLogger(__name__)


def send_outbox(app: App) -> None:
    """Send whatever the outbox holds."""
    app.send_outbox()


def poll_job(app: App) -> None:
    """One poll cycle, then send the replies it queued."""
    # A mailbox outage is logged by the cycle; the next run tries again.
    with contextlib.suppress(MailboxError):
        poll_once(app.poll_context())
    send_outbox(app)


def poll_until_quiet(app: App, arrived: threading.Event) -> None:
    """Poll, and poll again at once while mail was announced during the cycle."""
    while True:
        arrived.clear()
        poll_job(app)
        if not arrived.is_set():
            return


def agenda_job(app: App) -> None:
    """At a meeting's cut-off: place the waiting cases on it and send MAST the agenda."""
    now = app.clock()
    calendar = calendar_of(app.settings.meeting)
    day = calendar.local(now).date()
    if not calendar.is_meeting_day(day):
        return  # a bank holiday or closure day: the cases wait for the next meeting
    if calendar.has_taken_place(day, now):
        # A run missed while the service was down comes late: the cases wait for the next meeting.
        log.warning("agenda job ran after its meeting; nothing placed", extra={"day": day.isoformat()})
        return
    with app.uow() as uow:
        place_cases(uow, day, app.settings, now)
        view, _ = agenda_for(uow, day, app.settings, now)
        queue_agenda_email(uow, view, day, app.settings)
        uow.commit()
    send_outbox(app)


def reminder_job(app: App) -> None:
    """Queue today's review reminders and send them."""
    with app.uow() as uow:
        counts = queue_reminders(uow, app.settings, app.clock().date())
        uow.commit()
    log.info("review reminders queued", extra={"counts": dict(counts)})
    send_outbox(app)


def purge_job(app: App) -> None:
    """Nightly: apply the retention rules (each removal is audited) and sweep orphan files."""
    if app.attachments is None:
        return
    purge(app.uow, app.settings, app.attachments, app.clock())


def integrity_job(app: App) -> None:
    """Nightly: the full database check; on a problem, log it and alert the admin by email.

    The alert goes straight to the mailer, not through the outbox table, which lives in the
    database that just failed its check. It holds a reason code only; the log has the detail.
    """
    from mast_intake.notifier.compose import Envelope, compose_alert
    from mast_intake.notifier.views.alerts import AlertView
    from mast_intake.ports.mailer import MailerError
    from mast_intake.storage.integrity import nightly_problem

    problem = nightly_problem(app.settings.db_url)
    if problem is None:
        log.info("database integrity check passed")
        return
    log.error("database integrity check failed", extra={"problem": problem})
    settings = app.settings
    alert = compose_alert(
        AlertView(kind="database_damaged", occurred_at=app.clock(), reasons=(("integrity_check", 1),)),
        Envelope(sender=f"MAST Intake <{settings.mast_address}>", to=(settings.admin_address,)),
    )
    try:
        app.mailer.send(alert)
    except MailerError as exc:
        log.error("integrity alert not sent", extra={"error": type(exc).__name__})


def singleton(name: str, job: Callable[[App], None], lock: LeaderLock) -> Callable[[App], None]:
    """``job`` run only by the instance holding ``lock``; each run it makes is an audit line."""

    def run_if_leader(app: App) -> None:
        if not lock.held():
            log.info("scheduled job left to the leading instance", extra={"job": name})
            return
        job(app)
        with app.uow() as uow:
            uow.audit.append("mast-intake scheduler", "job_ran", "job", name)
            uow.commit()

    run_if_leader.__name__ = f"{name}_if_leader"
    return run_if_leader


def once_only_jobs(lock: LeaderLock) -> dict[str, Callable[[App], None]]:
    """The jobs that must run once across every instance, each guarded by ``lock``."""
    return {name: singleton(name, job, lock) for name, job in
            (("agenda", agenda_job), ("reminders", reminder_job), ("retention", purge_job),
             ("integrity", integrity_job))}


def build_scheduler(app: App) -> BlockingScheduler:
    """The jobs, each allowed one instance at a time; missed runs are merged, not stacked."""
    settings = app.settings
    zone = ZoneInfo(settings.meeting.timezone)
    scheduler = BlockingScheduler(timezone=zone, job_defaults={"coalesce": True, "max_instances": 1})
    once = once_only_jobs(leader_lock(settings.db_url, settings.data_dir))
    arrived = threading.Event()
    scheduler.add_job(poll_until_quiet, IntervalTrigger(seconds=settings.poll_interval_seconds),
                      args=[app, arrived], id="poll", next_run_time=app.clock())
    _watch_mailbox(app, scheduler, arrived)
    hour, minute = (int(part) for part in settings.meeting.cutoff.split(":"))
    scheduler.add_job(once["agenda"], CronTrigger(day_of_week=",".join(settings.meeting.days),
                                              hour=hour, minute=minute, timezone=zone),
                      args=[app], id="agenda")
    scheduler.add_job(once["reminders"], CronTrigger(hour=7, minute=0, timezone=zone), args=[app],
                      id="reminders")
    purge_hour, purge_minute = (int(part) for part in settings.retention.purge_time.split(":"))
    scheduler.add_job(once["retention"], CronTrigger(hour=purge_hour, minute=purge_minute, timezone=zone),
                      args=[app], id="retention")
    # Half an hour after the purge, so the two never read the whole database at once.
    scheduler.add_job(once["integrity"], CronTrigger(hour=(purge_hour + (purge_minute + 30) // 60) % 24,
                                                 minute=(purge_minute + 30) % 60, timezone=zone),
                      args=[app], id="integrity")
    return scheduler


def _watch_mailbox(app: App, scheduler: BlockingScheduler, arrived: threading.Event) -> None:
    """Where the server can announce mail (IMAP IDLE), poll as soon as it does."""

    def wake() -> None:
        arrived.set()  # a cycle under way polls again; otherwise one starts now
        scheduler.modify_job("poll", next_run_time=datetime.now(scheduler.timezone))

    watcher = MailWatcher(build_mailbox(app.settings), wake)
    scheduler.add_listener(lambda _event: watcher.start(), EVENT_SCHEDULER_STARTED)
    scheduler.add_listener(lambda _event: watcher.stop(0), EVENT_SCHEDULER_SHUTDOWN)
