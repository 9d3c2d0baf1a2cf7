"""The sandbox's warm pool: which child reads which file, and what a child can reach.

The probes are module-level functions (the child imports this module to find them) and report
back in an Assessment's file_name, since only allow-listed classes cross back.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys

from mast_intake.config.settings import ParseLimits
from mast_intake.models.assessment import Assessment
from mast_intake.parsers import sandbox
from mast_intake.parsers.rejections import ParseRejected
from mast_intake.parsers.sandbox import Refusal, run_isolated

LIMITS = ParseLimits(memory_mb=512, timeout_seconds=10.0, files_per_child=3)


def _report(facts: dict) -> Assessment:
    return Assessment(file_name=json.dumps(facts), sha256="", kind="probe")


def pid_probe() -> Assessment:
    return _report({"pid": os.getpid()})


def refuse_probe() -> Assessment:
    raise ParseRejected("corrupt", "fixed detail")


def surroundings_probe() -> Assessment:
    return _report({
        "fds": sorted(int(fd) for fd in os.listdir("/proc/self/fd")),
        "stdout": os.readlink("/proc/self/fd/1"),
        "stderr": os.readlink("/proc/self/fd/2"),
        "heavy": sorted(m for m in ("mast_intake.cli", "spacy", "sqlalchemy", "fastapi") if m in sys.modules),
        "memory": resource.getrlimit(resource.RLIMIT_AS)[0],
        "cpu": resource.getrlimit(resource.RLIMIT_CPU)[0],
        "core": resource.getrlimit(resource.RLIMIT_CORE)[1],
        "environment": sorted(os.environ),
    })


def _facts(result: object) -> dict:
    assert isinstance(result, Assessment), result
    return json.loads(result.file_name)


def _pid(limits: ParseLimits = LIMITS) -> int:
    return _facts(run_isolated(pid_probe, (), limits))["pid"]


def test_a_clean_child_reads_a_few_files_then_is_replaced() -> None:
    first = _pid()
    pids = [first] + [_pid() for _ in range(5)]
    # Reused until files_per_child clean reads, never longer.
    assert max(pids.count(pid) for pid in set(pids)) <= LIMITS.files_per_child
    assert len(set(pids)) >= 2
    assert os.getpid() not in pids


def test_one_file_per_child_when_asked() -> None:
    single = ParseLimits(memory_mb=512, timeout_seconds=10.0, files_per_child=1)
    pids = [_pid(single) for _ in range(4)]
    assert len(set(pids)) == 4


def test_a_child_that_refused_a_file_is_never_given_another() -> None:
    limits = ParseLimits(memory_mb=513, timeout_seconds=10.0, files_per_child=5)  # a pool of its own
    warm = _pid(limits)
    assert _pid(limits) == warm  # a clean read: the same warm child takes the next file
    assert run_isolated(refuse_probe, (), limits) == Refusal("corrupt", "fixed detail")
    assert _pid(limits) != warm  # the refusal ended it


def test_children_with_other_limits_are_other_children() -> None:
    small = ParseLimits(memory_mb=300, timeout_seconds=10.0, files_per_child=3)
    big = ParseLimits(memory_mb=700, timeout_seconds=10.0, files_per_child=3)
    assert _facts(run_isolated(surroundings_probe, (), small))["memory"] == 300 * 1024 * 1024
    assert _facts(run_isolated(surroundings_probe, (), big))["memory"] == 700 * 1024 * 1024
    assert _facts(run_isolated(surroundings_probe, (), small))["memory"] == 300 * 1024 * 1024


def test_a_child_holds_only_its_own_channel_and_is_capped() -> None:
    facts = _facts(run_isolated(surroundings_probe, (), LIMITS))
    # stdin, stdout, stderr, its channel, and the descriptor listdir itself opened.
    assert len(facts["fds"]) <= 5
    assert facts["stdout"] == facts["stderr"] == os.devnull
    assert facts["heavy"] == []  # the fork server never imported the command line or spaCy
    assert facts["core"] == 0
    assert set(facts["environment"]) <= set(sandbox.CHILD_ENVIRONMENT)  # no settings, no secrets
    assert 0 < facts["cpu"] <= LIMITS.files_per_child * (int(LIMITS.timeout_seconds) + 5) + 10


def test_the_fork_server_is_restarted_if_it_dies() -> None:
    _pid()
    pool = sandbox._pool()
    assert pool.server is not None
    os.kill(pool.server.process.pid, signal.SIGKILL)
    pool.server.process.wait(10)
    assert _pid() > 0
