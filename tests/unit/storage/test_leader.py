"""The leader lock: one holder at a time, kept until released, then free for the next."""

from __future__ import annotations

from mast_intake.storage.leader import FileLeaderLock, PostgresLeaderLock, leader_lock


def test_file_lock_has_one_holder_until_it_lets_go(tmp_path) -> None:
    first, second = FileLeaderLock(tmp_path / "lock"), FileLeaderLock(tmp_path / "lock")
    assert first.held()
    assert not second.held()
    assert first.held()  # still ours: held, not taken and released around each job
    first.close()
    assert second.held()
    second.close()


def test_the_database_chooses_the_lock(tmp_path) -> None:
    assert isinstance(leader_lock(f"sqlite:///{tmp_path}/x.db", tmp_path), FileLeaderLock)
    postgres = leader_lock("postgresql://mast@db.invalid/mast", tmp_path)
    assert isinstance(postgres, PostgresLeaderLock)
    postgres.close()
