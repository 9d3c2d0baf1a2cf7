"""The services wired on the in-memory fakes: no database, no mail server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mast_intake.config.settings import Settings
from mast_intake.intake.context import PollContext
from mast_intake.notifier.outbox import deliver
from mast_intake.parsers import parse_bytes
from mast_intake.ports import UnitOfWork
from mast_intake.validation import CheckOptions, run_checks
from tests.fakes import FakeClock, FakeDatabase, FakeMailbox, FakeMailer, FakeUnitOfWork, TrustingVerifier


@dataclass
class World:
    """The settings, the fakes and a poll context over them."""

    settings: Settings
    clock: FakeClock
    db: FakeDatabase
    mailbox: FakeMailbox
    mailer: FakeMailer

    def uow(self) -> UnitOfWork:
        return FakeUnitOfWork(self.db, self.clock)

    def send_outbox(self) -> None:
        s = self.settings
        deliver(self.uow, self.mailer, s.allowed_sender_domains, s.admin_address, s.mast_address)

    def poll_context(self) -> PollContext:
        s = self.settings
        zone = ZoneInfo(s.meeting.timezone)
        options = CheckOptions.from_settings(s, today=lambda: self.clock().astimezone(zone).date())
        new_uow: Callable[[], UnitOfWork] = self.uow
        return PollContext(s, self.mailbox, new_uow, partial(parse_bytes, limits=s.limits),
                           partial(run_checks, options=options), self.clock, TrustingVerifier(),
                           after_commit=self.send_outbox)


@pytest.fixture
def world(tmp_path: Path) -> World:
    clock = FakeClock(datetime(2026, 12, 1, 7, 0, tzinfo=UTC))
    return World(Settings(data_dir=tmp_path / "var"), clock, FakeDatabase(), FakeMailbox(), FakeMailer())
