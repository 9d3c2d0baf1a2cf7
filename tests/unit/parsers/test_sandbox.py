"""The sandbox: memory cap, deadline, crash handling and a safe way back for results.

The readers injected here are module-level functions because the child receives them by
reference (it imports this module).
"""

from __future__ import annotations

import os
import resource
import signal
import time
from collections import OrderedDict
from datetime import date
from pathlib import Path

import pytest

from mast_intake.config.settings import ParseLimits
from mast_intake.models.assessment import Assessment, ChildDetails
from mast_intake.parsers import sandbox
from mast_intake.parsers.rejections import ParseRejected
from mast_intake.parsers.sandbox import Refusal, run_isolated

SMALL = ParseLimits(memory_mb=384, timeout_seconds=2.0)


def allocate_forever() -> None:
    hoard = []
    while True:
        hoard.append(bytearray(16 * 1024 * 1024))


def sleep_forever(pid_file: str) -> None:
    Path(pid_file).write_text(str(os.getpid()))
    while True:
        time.sleep(60)


def recurse_forever(depth: int = 0) -> int:
    return recurse_forever(depth + 1) + 1


def raise_value_error() -> None:
    raise ValueError("fictional child name that must not travel")


def raise_rejected() -> None:
    raise ParseRejected("scanned", "fixed detail")


def raise_wrapped_memory_error() -> None:
    try:
        raise MemoryError
    except MemoryError as exc:
        raise RuntimeError("wrapper") from exc


def return_assessment(name: str) -> Assessment:
    return Assessment(file_name=name, sha256="0" * 64, kind="docx",
                      child=ChildDetails(fields={"name": "Fictional Child"}),
                      assessment_date=date(2026, 1, 2))


def return_disallowed() -> OrderedDict:
    return OrderedDict(a=1)


def die_by_signal() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def exit_quietly() -> None:
    os._exit(3)


def report_limits() -> Assessment:
    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    core, _ = resource.getrlimit(resource.RLIMIT_CORE)
    return Assessment(file_name=f"{soft}:{core}", sha256="", kind="probe")


def test_result_comes_back_intact() -> None:
    result = run_isolated(return_assessment, ("f.docx",), SMALL)
    assert result == return_assessment("f.docx")


def test_child_is_limited_and_parent_is_not() -> None:
    before = resource.getrlimit(resource.RLIMIT_AS)
    result = run_isolated(report_limits, (), SMALL)
    assert result.file_name == f"{384 * 1024 * 1024}:0"
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def test_unbounded_allocation_is_limits_exceeded() -> None:
    assert run_isolated(allocate_forever, (), SMALL) == Refusal("limits_exceeded", "MemoryError")
    assert run_isolated(return_assessment, ("after.docx",), SMALL).file_name == "after.docx"


def test_sleeping_reader_is_killed_at_the_deadline(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    started = time.monotonic()
    result = run_isolated(sleep_forever, (str(pid_file),), ParseLimits(timeout_seconds=1.0))
    assert result.reason == "limits_exceeded"
    assert time.monotonic() - started < 15
    pid = int(pid_file.read_text())
    for _ in range(50):  # the forkserver reaps it; give it a moment
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("timed-out child still running")
    assert run_isolated(return_assessment, ("after.docx",), SMALL).file_name == "after.docx"


def test_recursion_is_limits_exceeded() -> None:
    assert run_isolated(recurse_forever, (), SMALL) == Refusal("limits_exceeded", "RecursionError")


def test_wrapped_memory_error_is_still_limits_exceeded() -> None:
    assert run_isolated(raise_wrapped_memory_error, (), SMALL).reason == "limits_exceeded"


def test_unexpected_exception_is_corrupt_and_names_only_the_type() -> None:
    result = run_isolated(raise_value_error, (), SMALL)
    assert result == Refusal("corrupt", "unexpected ValueError")


def test_parse_rejected_crosses_as_refusal() -> None:
    assert run_isolated(raise_rejected, (), SMALL) == Refusal("scanned", "fixed detail")


def test_only_allowed_classes_come_back() -> None:
    assert run_isolated(return_disallowed, (), SMALL).reason == "corrupt"


def test_crash_and_silent_exit_are_corrupt() -> None:
    assert run_isolated(die_by_signal, (), SMALL).reason == "corrupt"
    assert run_isolated(exit_quietly, (), SMALL).reason == "corrupt"


def test_sigkill_without_result_is_limits_exceeded() -> None:
    # What the kernel's OOM killer looks like from the parent.
    assert sandbox._crashed(-signal.SIGKILL).reason == "limits_exceeded"


def test_child_logging_is_silenced(caplog: pytest.LogCaptureFixture) -> None:
    # The parent never logs the exception message, only the reason and the type name.
    result = run_isolated(raise_value_error, (), SMALL)
    assert "fictional child name" not in caplog.text
    assert "fictional child name" not in result.detail
