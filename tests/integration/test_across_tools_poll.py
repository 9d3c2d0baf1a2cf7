"""The poll cycle runs the checks against earlier tools with what it has stored (real SQLite)."""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from mast_intake.bootstrap import bootstrap
from mast_intake.config.settings import Settings
from mast_intake.intake.poll import poll_once
from mast_intake.models.rows import Submission, TextFingerprint
from mast_intake.protection.crypto import new_key
from mast_intake.protection.keys import rotate_keys
from mast_intake.scheduler import send_outbox
from mast_intake.storage.repositories.fingerprints import SqlFingerprintRepository
from tests.fixtures.factory import base_spec, build_form
from tests.mail_factory import drop, email_with

PASTED = (
    "I am worried that she is being groomed by older males she meets at the bus station on Friday "
    "nights; her mother has found cigarettes, a second phone and new clothes she cannot explain."
)


@pytest.fixture
def app(tmp_path):
    return bootstrap(Settings(data_dir=tmp_path / "var"))


def _poll(app, spec) -> list[str]:
    """Send one tool through the poll cycle; the codes of its stored findings."""
    drop(app.settings.maildir_path, email_with([("tool.docx", build_form(spec))]))
    poll_once(app.poll_context())
    with app.uow() as uow:
        latest = uow.session.execute(sa.select(Submission).order_by(Submission.id.desc())).scalars().first()
        return [f["code"] for f in uow.submissions.findings(latest)]


def _alerts(app) -> list[email.message.EmailMessage]:
    send_outbox(app)
    messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
                for p in sorted((app.settings.outbox_path / "new").glob("*"))]
    return [m for m in messages if str(m["To"]) == app.settings.admin_address]


def test_a_passage_from_another_childs_tool_is_found_and_the_admin_told_without_words(app) -> None:
    first = replace(base_spec(), summary=(PASTED, "Protective factors: she is close to her grandmother."))
    assert "COPIED_FROM_OTHER_CHILD" not in _poll(app, first)
    other = replace(first, name="Tamsin Carew", dob=date(2012, 6, 1), age=14)
    assert "COPIED_FROM_OTHER_CHILD" in _poll(app, other)
    alerts = _alerts(app)
    assert len(alerts) == 1
    body = alerts[0].get_body(("plain",)).get_content()
    assert "MAST-2" in body and "MAST-1" in body
    for words in ("bus station", "Tamsin", "Morwenna", "groomed"):
        assert words not in body and words not in str(alerts[0]["Subject"])


def test_the_same_childs_next_tool_is_not_a_copy_but_its_summary_is_not_updated(app) -> None:
    first = base_spec()
    assert "SUMMARY_NOT_UPDATED" not in _poll(app, first)
    later = replace(first, assessment_date=date(2026, 12, 20), date_version_text="20/12/2026 v2")
    codes = _poll(app, later)
    assert "SUMMARY_NOT_UPDATED" in codes and "COPIED_FROM_OTHER_CHILD" not in codes
    assert "STALE_SCORE_CARRIED" in codes  # "peers_involved_in_cse" is carried over undated
    assert not _alerts(app)


def _fingerprints(app) -> list[str]:
    with app.uow() as uow:
        return list(uow.session.execute(sa.select(TextFingerprint.digest)).scalars())


def test_fingerprints_are_keyed_hashes_and_go_with_the_child(app) -> None:
    _poll(app, base_spec())
    digests = _fingerprints(app)
    assert len(digests) > 50
    assert all(len(d) == 24 and int(d, 16) >= 0 for d in digests)
    with app.uow() as uow:
        child_id = uow.submissions.get(1).child_id
        uow.protection.erase_child(child_id)
        uow.commit()
    assert _fingerprints(app) == []


def test_after_a_key_rotation_and_the_old_key_removed_copies_are_still_found(tmp_path) -> None:
    old, new = new_key(), new_key()
    settings = Settings(data_dir=tmp_path / "var")
    settings.encryption.keys = [old]
    app = bootstrap(settings)
    first = replace(base_spec(), summary=(PASTED, "Protective factors: she is close to her grandmother."))
    _poll(app, first)
    app.close()
    settings.encryption.keys = [new, old]
    app = bootstrap(settings)
    result = rotate_keys(app.uow, app.sealer, app.attachments, "test.dpo")
    assert result["rekeyed"]["text_fingerprint"] == 1
    app.close()
    settings.encryption.keys = [new]
    app = bootstrap(settings)
    other = replace(first, name="Tamsin Carew", dob=date(2012, 6, 1), age=14)
    assert "COPIED_FROM_OTHER_CHILD" in _poll(app, other)
    app.close()


def test_passages_are_matched_by_child_and_their_tools_read_only_when_asked(app) -> None:
    for number in range(4):  # four children whose tools share one passage; the first sends two
        spec = replace(base_spec(), name=f"Testchild Number{number}", dob=date(2012, 1, 1 + number),
                       summary=(PASTED, "Protective factors: she is close to her grandmother."))
        _poll(app, spec)
        if number == 0:
            _poll(app, replace(spec, assessment_date=spec.assessment_date + timedelta(days=30)))
    with app.uow() as uow:
        rows = uow.session.execute(sa.select(TextFingerprint.digest, TextFingerprint.child_id,
                                             TextFingerprint.submission_id)).all()
        last_child = max(child for _, child, _ in rows)
        digests = sorted({digest for digest, child, _ in rows if child == last_child})
        repository = SqlFingerprintRepository(uow.session)
        pairs = repository.children_sharing(digests, last_child)
        tools = repository.tools_sharing(digests, last_child)
    # Each (passage, child) once, however many of that child's tools hold it.
    assert len(pairs) == len(set(pairs))
    assert {child for _, child in pairs} == {child for _, child, _ in rows if child != last_child}
    assert tools == {tool for digest, child, tool in rows if child != last_child and digest in digests}
    assert len(tools) == 4
