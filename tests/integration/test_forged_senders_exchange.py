"""The poll cycle in process with exchange-internal verification, fed the messages as Exchange
delivers them (the EWS and Graph recordings): forged senders never create a submission."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mast_intake.bootstrap import bootstrap
from mast_intake.config.settings import ExchangeOrganisationSettings, Settings
from mast_intake.intake.adapters.maildir import MaildirMailbox
from mast_intake.intake.poll import poll_once
from tests.fixtures.graph_server import TENANT_ID
from tests.mail_factory import drop

GRAPH = Path(__file__).resolve().parents[1] / "fixtures" / "graph"


def _app(tmp_path):
    settings = Settings(
        data_dir=tmp_path / "var", mailbox="graph", allowed_sender_domains=["example.invalid"],
        sender_verification="exchange-internal",
        exchange=ExchangeOrganisationSettings(auth_sources=[".prod.outlook.com"], tenant_id=TENANT_ID),
    )
    app = bootstrap(settings)
    # A local stand-in holding exactly the bytes the Graph adapter returns for each message.
    app._mailbox = MaildirMailbox(settings.maildir_path, settings.processed_folder,
                                  settings.quarantine_folder)
    return app


def test_only_mail_our_tenant_authenticated_is_processed(tmp_path) -> None:
    app = _app(tmp_path)
    internal = (GRAPH / "message_internal.eml").read_bytes()
    forged = {
        "outside": (GRAPH / "message_outside.eml").read_bytes(),
        "no_exchange_headers": (GRAPH / "message.eml").read_bytes(),
        "other_envelope_sender": internal.replace(b"Return-Path: alex.testworker@",
                                                  b"Return-Path: someone.else@"),
        "other_tenant": internal.replace(TENANT_ID.encode(), b"00000000-0000-4000-8000-0000000beef0"),
    }
    for name, raw in forged.items():
        drop(app.settings.maildir_path, raw.replace(b"fictional-0001", name.encode()), name=f"{name}.eml")

    counts = poll_once(app.poll_context())

    assert counts["quarantined"] == len(forged) and sum(counts.values()) == len(forged)
    with sqlite3.connect(app.settings.sqlite_path) as db:
        assert db.execute("SELECT count(*) FROM submission").fetchone() == (0,)
        outcomes = db.execute("SELECT DISTINCT outcome FROM processed_mail").fetchall()
        assert outcomes == [("sender_not_verified",)]

    drop(app.settings.maildir_path, internal, name="internal.eml")
    counts = poll_once(app.poll_context())
    assert counts["quarantined"] == 0 and sum(counts.values()) == 1
