"""The scheduled service: poll the mailbox, send the outbox, issue agendas, remind reviews, purge
and check the database nightly."""

from __future__ import annotations

import contextlib
import logging
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from mast_intake.bootstrap import App
from mast_intake.intake.mailbox import MailboxError
from mast_intake.intake.poll import poll_once
from mast_intake.notifier.meetings import agenda_for, place_cases, queue_agenda_email
from mast_intake.notifier.outbox import deliver
from mast_intake.notifier.reminders import queue_reminders
from mast_intake.protection.retention import purge

log = logging.getLogger(__name__)


def send_outbox(app: App) -> None:
    """Send whatever the outbox holds."""
    settings = app.settings
    deliver(app.uow, app.mailer, settings.allowed_sender_domains, settings.admin_address,
            settings.mast_address, settings.crashpoint)


def poll_job(app: App) -> None:
    """One poll cycle, then send the replies it queued."""
    # A mailbox outage is logged by the cycle; the next run tries again.
    with contextlib.suppress(MailboxError):
        poll_once(app.poll_context())
    send_outbox(app)


def agenda_job(app: App) -> None:
    """At a meeting's cut-off: place the waiting cases on it and send MAST the agenda."""
    now = app.clock()
    day = now.astimezone(ZoneInfo(app.settings.meeting.timezone)).date()
    with app.uow() as uow:
        place_cases(uow, day, app.settings)
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
    purge(app.uow, app.settings, app.attachments, app.clock())  # type: ignore[arg-type]


def integrity_job(app: App) -> None:
    """Nightly: the full database check; on a problem, log it and alert the admin by email.

    The alert goes straight to the mailer, not through the outbox table, which lives in the
    database that just failed its check. It holds a reason code only; the log has the detail.
    """
    from mast_intake.notifier.compose import Envelope, compose_alert
    from mast_intake.notifier.mailer import MailerError
    from mast_intake.notifier.views import AlertView
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


def build_scheduler(app: App) -> BlockingScheduler:
    """The jobs, each allowed one instance at a time; missed runs are merged, not stacked."""
    settings = app.settings
    zone = ZoneInfo(settings.meeting.timezone)
    scheduler = BlockingScheduler(timezone=zone, job_defaults={"coalesce": True, "max_instances": 1})
    scheduler.add_job(poll_job, IntervalTrigger(seconds=settings.poll_interval_seconds), args=[app],
                      id="poll", next_run_time=app.clock())
    hour, minute = (int(part) for part in settings.meeting.cutoff.split(":"))
    scheduler.add_job(agenda_job, CronTrigger(day_of_week=",".join(settings.meeting.days),
                                              hour=hour, minute=minute, timezone=zone),
                      args=[app], id="agenda")
    scheduler.add_job(reminder_job, CronTrigger(hour=7, minute=0, timezone=zone), args=[app],
                      id="reminders")
    purge_hour, purge_minute = (int(part) for part in settings.retention.purge_time.split(":"))
    scheduler.add_job(purge_job, CronTrigger(hour=purge_hour, minute=purge_minute, timezone=zone),
                      args=[app], id="retention")
    # Half an hour after the purge, so the two never read the whole database at once.
    scheduler.add_job(integrity_job, CronTrigger(hour=(purge_hour + (purge_minute + 30) // 60) % 24,
                                                 minute=(purge_minute + 30) % 60, timezone=zone),
                      args=[app], id="integrity")
    return scheduler
