"""Kill the real process at each step and run it again: nothing lost, nothing doubled."""

from __future__ import annotations

import signal

import pytest

from tests.service_harness import Service


@pytest.mark.parametrize("step", ["after_claim", "before_commit", "after_commit", "after_send"])
def test_a_killed_poll_loses_and_doubles_nothing(tmp_path, step: str) -> None:
    service = Service(tmp_path)
    service.send_tool()
    service.send_tool(b"not a document", name="notes.pdf")

    killed = service.run("poll", "--once", crash_at=step, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    service.run("poll", "--once")
    service.run("poll", "--once")  # a further cycle changes nothing

    assert not service.waiting()
    assert len(service.filed("Processed")) == 2
    assert service.query("SELECT count(*) FROM submission") == [(2,)]
    assert service.query("SELECT count(*) FROM agenda_entry") == [(1,)]
    assert service.query("SELECT count(*), count(DISTINCT message_id) FROM outbox") == [(2, 2)]
    assert service.query("SELECT state, count(*) FROM outbox GROUP BY state") == [("sent", 2)]
    sent = service.outbox()
    # A resend after a kill between sending and marking reuses the Message-ID: one copy each.
    assert len(sent) == 2 and len({str(m["Message-ID"]) for m in sent}) == 2


def test_a_killed_decision_send_is_not_lost(tmp_path) -> None:
    service = Service(tmp_path)
    service.send_tool()
    service.run("poll", "--once")
    service.run("agenda", "place")
    killed = service.run("decide", "1", "--level", "medium", "--rationale", "Fictional rationale.",
                         "--status", "added", "--by", "Chair",
                         crash_at="after_send", check=False)
    assert killed.returncode == -signal.SIGKILL
    service.run("send")
    notes = [m for m in service.outbox() if "decision" in str(m["Subject"]).lower()]
    assert len(notes) == 1
    assert service.query("SELECT count(*) FROM decision") == [(1,)]
