"""The encryption-at-rest hook: free text goes through the sealer, lookups through its keys."""

from __future__ import annotations

import base64
import hashlib
from datetime import date

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from mast_intake.storage import make_session_factory
from mast_intake.storage.unit_of_work import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage_contract import add_submission, decide

NAME = "Gina Inventova"


class Base64Sealer:
    """Stands in for encryption: reversible, and plainly not the plain text."""

    def seal(self, text: str) -> str:
        return "sealed:" + base64.b64encode(text.encode()).decode()

    def unseal(self, stored: str) -> str:
        assert stored.startswith("sealed:"), "read a value that was never sealed"
        return base64.b64decode(stored.removeprefix("sealed:")).decode()

    def seal_bytes(self, data: bytes) -> bytes:
        return b"sealed:" + base64.b64encode(data)

    def unseal_bytes(self, stored: bytes) -> bytes:
        return base64.b64decode(stored.removeprefix(b"sealed:"))

    def lookup_key(self, normalised: str) -> str:
        return hashlib.sha256(normalised.encode()).hexdigest()


def test_free_text_is_stored_sealed_and_read_back_plain(sqlite_engine: Engine, clock: FakeClock) -> None:
    factory = make_session_factory(sqlite_engine)
    new_uow = lambda: SqlUnitOfWork(factory, sealer=Base64Sealer(), clock=clock)  # noqa: E731
    with new_uow() as uow:
        child = uow.children.find_or_create_child(NAME, date(2010, 1, 1), ["Gigi"])
        submission = add_submission(uow, child_id=child.id, file_name=f"{NAME}.docx")
        entry = uow.agenda.enqueue(submission, False, False)
        uow.agenda.place_on_meeting([entry], date(2026, 3, 2))
        decision = decide(uow, entry, recommendations=f"{NAME} to be seen weekly.",
                          level_rationale=f"{NAME} is safer.", police_systems_updated=True,
                          police_updated_by=f"Officer who knows {NAME}", nrm="referred",
                          nrm_referral_date=date(2026, 3, 2), nrm_first_responder=f"Responder for {NAME}",
                          disruption=f"Disrupting contact with {NAME}",
                          correction_reason="")
        row = uow.outbox.add("<o@x.invalid>", "case_note", ["w@example.invalid"], f"About {NAME}", b"body")
        uow.commit()
    with new_uow() as uow:
        assert uow.children.find("gina  INVENTOVA", date(2010, 1, 1)).id == child.id
        assert uow.children.find_or_create_child("Gigi", date(2010, 1, 1)).id == child.id
        assert uow.children.display_name(uow.children.get(child.id)) == "Gigi"
        assert uow.children.names(child.id) == [NAME, "Gigi"]
        stored = uow.submissions.get(submission.id)
        assert uow.submissions.file_name(stored) == f"{NAME}.docx"
        assert uow.submissions.record(stored) == {"child": {"name": "Fictional Child"}}
        assert uow.decisions.recommendations(uow.decisions.get(decision.id)).startswith(NAME)
        record = uow.decisions.current(entry.id)
        assert (record.level_rationale, record.police_updated_by) == (f"{NAME} is safer.",
                                                                     f"Officer who knows {NAME}")
        assert record.disruption.endswith(NAME) and record.nrm_first_responder.endswith(NAME)
        assert uow.outbox.subject(uow.outbox.get(row.id)) == f"About {NAME}"
        assert uow.outbox.mime(uow.outbox.get(row.id)) == b"body"

    dump = []
    with sessionmaker(sqlite_engine)() as session:
        for table in ("child", "child_alias", "submission", "decision", "outbox"):
            for values in session.execute(sa.text(f"SELECT * FROM {table}")):
                dump.extend(str(v) for v in values)
    assert dump and not [value for value in dump if "Gina" in value or "gina" in value or "Gigi" in value]
