"""No message stops the intake: the real-mail corpus and made-up malformed emails, then a tool."""

from __future__ import annotations

import email
import email.policy
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from mast_intake.bootstrap import bootstrap
from mast_intake.config.settings import Settings
from mast_intake.intake.poll import poll_once
from mast_intake.models.rows import Outbox
from mast_intake.scheduler import send_outbox
from tests.fixtures.factory import base_spec, build_form
from tests.mail_factory import email_with
from tests.malformed_mail import malformed_messages
from tests.shared_paths import SHARED, require
from tests.unit.intake.mime_builders import (
    Signer,
    as_message,
    file_part,
    mixed,
    text,
    with_envelope,
    zip_bytes,
)


def held_replies(app):
    """The service's poll context, with replies left in the outbox for the test to inspect."""
    return replace(app.poll_context(), after_commit=None)


CORPUS = SHARED / "corpus" / "mail"
WORKER = "sam.worker@northyorks.gov.uk"


def _fill(inbox: Path, messages: list[bytes]) -> None:
    """Deliver ``messages`` in order (the Maildir reads oldest first)."""
    new = inbox / "new"
    new.mkdir(parents=True, exist_ok=True)
    for index, raw in enumerate(messages):
        path = new / f"{index:05d}.test.eml"
        path.write_bytes(raw)
        os.utime(path, (1_700_000_000 + index, 1_700_000_000 + index))


def _outbox(app) -> list[bytes]:
    return [p.read_bytes() for p in sorted((app.settings.outbox_path / "new").glob("*"))]


@pytest.mark.slow
def test_every_corpus_file_and_malformed_email_ends_filed_and_the_tool_is_answered(tmp_path) -> None:
    app = bootstrap(Settings(data_dir=tmp_path / "var"))
    corpus = sorted(p for p in require(CORPUS).rglob("*") if p.is_file())
    messages = [p.read_bytes() for p in corpus] + list(malformed_messages().values())
    messages.append(email_with([("tool.docx", build_form(base_spec()))]))
    _fill(app.settings.maildir_path, messages)

    totals: dict[str, int] = {}
    for _ in range(app.settings.max_attempts + 1):
        counts = poll_once(held_replies(app))  # never raises for anything a message holds
        send_outbox(app)
        for name, number in counts.items():
            totals[name] = totals.get(name, 0) + number

    assert not list((app.settings.maildir_path / "new").glob("*"))
    assert not list((app.settings.maildir_path / "cur").glob("*"))
    assert totals.get("parsed") == 1, totals
    with app.uow() as uow:
        parsed = [s for s in uow.submissions.for_child(1)]
        assert len(parsed) == 1 and parsed[0].sender == WORKER
    # Each message ended exactly once, one way or another (identical copies as "recovered").
    ended = ("parsed", "rejected", "no_attachment", "quarantined", "recovered")
    assert sum(totals.get(name, 0) for name in ended) == len(messages), totals
    assert not totals.get("error") and not totals.get("mailbox_error"), totals
    sent = _outbox(app)
    to_worker = [m for m in sent if f"To: {WORKER}".encode() in m]
    assert any(b"Subject: OFFICIAL-SENSITIVE" in m for m in to_worker)
    # Only the worker and the administrator ever get mail; the admin gets one digest per cycle.
    for raw in sent:
        assert f"To: {WORKER}".encode() in raw or f"To: {app.settings.admin_address}".encode() in raw
    digests = [m for m in sent if b"Messages were moved to quarantine" in m]
    assert 1 <= len(digests) <= app.settings.max_attempts + 1


def test_status_json_reports_the_last_error_and_counts(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from mast_intake.cli import main

    monkeypatch.setenv("MAST_INTAKE_DATA_DIR", str(tmp_path / "var"))
    app = bootstrap(Settings(data_dir=tmp_path / "var"))
    _fill(app.settings.maildir_path, [email_with([("tool.docx", build_form(base_spec()))])])

    def broken_check(record):
        raise RuntimeError("a bug in a check")

    app.check = broken_check
    poll_once(held_replies(app))
    result = CliRunner().invoke(main, ["status", "--json"])
    assert result.exit_code == 0, result.output
    last = json.loads(result.output.strip().splitlines()[-1])["last_poll"]
    assert last["error"] == "RuntimeError"
    assert last["failed"] == 1 and last["quarantined"] == 0


def test_a_reused_message_id_is_a_new_email_but_a_redelivery_is_not(tmp_path) -> None:
    app = bootstrap(Settings(data_dir=tmp_path / "var"))
    tool = build_form(base_spec())
    first = email_with([("tool.docx", tool)], message_id="<reused@northyorks.gov.uk>")
    different = email_with([("tool-v2.docx", tool + b"\0")], message_id="<reused@northyorks.gov.uk>")
    redelivered = b"Received: from mx2.example by mx.example; Mon, 7 Dec 2026 10:00:00 +0000\r\n" + first
    _fill(app.settings.maildir_path, [first, different, redelivered])

    counts = poll_once(held_replies(app))

    assert counts["parsed"] + counts["rejected"] == 2 and counts["recovered"] == 1, counts
    assert not list((app.settings.maildir_path / "new").glob("*"))
    with app.uow() as uow:
        assert uow.mail.counts()["processed"] == 2
        # Counted whatever their state: replies may already have been sent.
        kinds = uow.session.execute(sa.select(Outbox.kind)).scalars().all()
    replies = [kind for kind in kinds if kind in ("precheck", "rejection")]
    assert len(replies) == 2  # each different email answered once, the redelivery not again


def _reply_text(app, to: str) -> str:
    for raw in _outbox(app):
        message = email.message_from_bytes(raw, policy=email.policy.default)
        if str(message["To"]) == to:
            return message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    raise AssertionError("no reply")


def test_zip_encrypted_and_over_cap_each_get_their_own_words(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path / "var", max_attachments=1)
    app = bootstrap(settings)
    tool = build_form(base_spec())
    zipped = email_with([], sender="zip.worker@northyorks.gov.uk")
    zipped = zipped.replace(b"Please find", b"Zipped:")  # a different email from the others
    signer = Signer()
    encrypted = with_envelope(signer.encrypted(mixed(text(), file_part("tool.pdf", b"%PDF-1.4"))),
                              sender="enc.worker@northyorks.gov.uk")
    zip_message = as_message(zipped)
    zip_message.add_attachment(zip_bytes(), maintype="application", subtype="zip", filename="tool.zip")
    two = email_with([("tool.docx", tool), ("second-tool.docx", tool + b"\0")])
    _fill(app.settings.maildir_path, [bytes(zip_message), encrypted, two])
    poll_once(held_replies(app))
    send_outbox(app)

    assert "attach the risk tool itself" in _reply_text(app, "zip.worker@northyorks.gov.uk")
    assert "tool.zip" in _reply_text(app, "zip.worker@northyorks.gov.uk")
    encrypted_reply = _reply_text(app, "enc.worker@northyorks.gov.uk")
    assert "cannot read encrypted email" in encrypted_reply
    assert "did not have a Word" not in encrypted_reply
    assert "second-tool.docx" in _reply_text(app, WORKER)  # over the cap: named, not dropped


@pytest.mark.postgres
def test_malformed_emails_never_stop_the_poll_on_postgresql(tmp_path) -> None:
    from tests.integration.db_fixtures import throwaway_database

    with throwaway_database() as url:
        app = bootstrap(Settings(data_dir=tmp_path / "var", database_url=url))
        nul_name = as_message(email_with([]))
        nul_name.add_attachment(b"%PDF-1.4 x", maintype="application", subtype="pdf",
                                filename="to\x00ol.pdf")
        messages = [*malformed_messages().values(), bytes(nul_name),
                    email_with([("tool.docx", build_form(base_spec()))])]
        _fill(app.settings.maildir_path, messages)
        totals: dict[str, int] = {}
        for _ in range(app.settings.max_attempts + 1):
            for name, number in poll_once(held_replies(app)).items():
                totals[name] = totals.get(name, 0) + number
        assert not list((app.settings.maildir_path / "new").glob("*"))
        assert totals.get("parsed") == 1 and not totals.get("error"), totals


def test_a_tool_whose_reading_kept_dying_is_acknowledged_to_its_sender(tmp_path) -> None:
    from mast_intake.intake.messages import read_message

    app = bootstrap(Settings(data_dir=tmp_path / "var"))
    raw = email_with([("tool.docx", build_form(base_spec()))])
    _fill(app.settings.maildir_path, [raw])
    key = next(app.mailbox.pending())
    incoming = read_message(raw, 10, 1024 * 1024)
    # Workers that died mid-read (killed, out of memory) left expired leases, attempt after attempt.
    for _ in range(app.settings.max_attempts + 1):
        with app.uow() as uow:
            assert uow.mail.claim(key, incoming.key, incoming.sender, incoming.received_at,
                                  "gone-host:1:dead", -1) is not None
            uow.commit()

    assert poll_once(held_replies(app))["quarantined"] == 1
    send_outbox(app)
    assert "handle the tool by hand" in _reply_text(app, WORKER)
    assert "failed_repeatedly_acknowledged" in _reply_text(app, app.settings.admin_address)
