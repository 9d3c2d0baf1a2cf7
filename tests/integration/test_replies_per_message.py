"""Replies leave as each message commits, not after the whole poll cycle."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from email.parser import BytesHeaderParser

from mast_intake.bootstrap import bootstrap
from mast_intake.config.settings import Settings
from mast_intake.intake.poll import poll_once
from tests.fixtures.factory import base_spec, build_form
from tests.mail_factory import drop, email_with

MESSAGES = 3


def test_each_reply_is_sent_before_the_next_message_is_checked(tmp_path) -> None:
    app = bootstrap(Settings(data_dir=tmp_path / "var"))
    for number in range(MESSAGES):
        spec = replace(base_spec(), name=f"Testchild Number{number}", dob=date(2011, 1, 1 + number))
        drop(app.settings.maildir_path, email_with([(f"tool{number}.docx", build_form(spec))]),
             name=f"{number:03d}.eml")
    sent_folder = app.settings.outbox_path / "new"
    sent_before_each_check: list[int] = []
    check = app.check

    def replies_sent() -> int:
        # The fictional tools share their wording, so the administrator's copy alerts go too.
        recipients = [BytesHeaderParser().parsebytes(p.read_bytes())["To"] for p in sent_folder.glob("*")]
        return sum(1 for to in recipients if app.settings.admin_address not in to)

    # The next message's tool may already be read (read ahead, in a helper thread); its checks,
    # storing and reply come only once this message's reply has gone.
    def counting_check(record):
        sent_before_each_check.append(replies_sent() if sent_folder.exists() else 0)
        return check(record)

    app.check = counting_check
    counts = poll_once(app.poll_context())

    assert counts["parsed"] == MESSAGES
    assert sent_before_each_check == list(range(MESSAGES))
    assert replies_sent() == MESSAGES
    with app.uow() as uow:
        assert uow.outbox.counts()["pending"] == 0


def test_a_context_without_the_hook_leaves_the_outbox_to_the_caller(tmp_path) -> None:
    app = bootstrap(Settings(data_dir=tmp_path / "var"))
    drop(app.settings.maildir_path, email_with([("tool.docx", build_form(base_spec()))]))
    context = replace(app.poll_context(), after_commit=None)
    assert poll_once(context)["parsed"] == 1
    with app.uow() as uow:
        assert uow.outbox.counts()["pending"] == 1
