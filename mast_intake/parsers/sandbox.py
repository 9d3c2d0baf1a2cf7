"""Run a reader in a throw-away child process with a memory cap and a wall-clock deadline.

Why a forkserver child: the service process is multi-threaded (scheduler, mail clients, web)
and may hold a large address space (spaCy), so forking *it* per file would be unsafe with
threads and would start every child near or over the memory cap. Instead one small, clean
server process is spawned once, with the readers' libraries imported in advance
(``PRELOAD``); each file is then a fork of that server, which costs a few tens of milliseconds,
not the second or so a fresh interpreter importing pdfplumber and python-docx would.

In the child: RLIMIT_AS caps the address space at ``limits.memory_mb``, core dumps are off (a
core file would hold the document), RLIMIT_CPU is a backstop should the parent die, and
logging and warnings are silenced because library messages can quote document content. The
parent kills the child at ``limits.timeout_seconds``. The result crosses back as pickled
bytes, and is unpickled with an allow-list of classes, so even a child subverted by a hostile
file could hand back nothing but data.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import pickle
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mast_intake.config.settings import ParseLimits
from mast_intake.parsers.rejections import ParseRejected

log = logging.getLogger(__name__)

PRELOAD = [
    "mast_intake.parsers.registry",
    "mast_intake.parsers.guards",
    "lxml.etree",
    "docx",
    "pdfplumber",
    "olefile",
    "mast_intake.intake.mime.walker",
    # Imported when present; a missing module is skipped by the forkserver.
    "mast_intake.parsers.word",
    "mast_intake.parsers.pdf",
]
MAX_RESULT_BYTES = 64 * 1024 * 1024
_REAP_SECONDS = 5.0
_ALLOWED_CLASSES = {
    ("mast_intake.models.assessment", "Assessment"),
    ("mast_intake.models.assessment", "ChildDetails"),
    ("mast_intake.models.assessment", "ItemEntry"),
    ("mast_intake.models.assessment", "Entry"),
    ("mast_intake.models.assessment", "Update"),
    ("mast_intake.models.form", "Category"),
    ("mast_intake.parsers.sandbox", "Refusal"),
    ("mast_intake.parsers.registry", "Handoff"),
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("copyreg", "_reconstructor"),
    ("builtins", "object"),
}


@dataclass(frozen=True)
class Refusal:
    """A reader's verdict that a file cannot be read: a reason from REASONS and a log-safe detail."""

    reason: str
    detail: str


def _context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def run_isolated(func: Callable[..., Any], args: tuple, limits: ParseLimits) -> Any:
    """Call ``func(*args)`` in a sandboxed child and return its result or a Refusal.

    ``func`` must be a module-level function (it is sent to the child by reference). Whatever
    happens in the child, this returns: the function's (picklable) result; ``Refusal(reason,
    detail)`` for a ParseRejected; ``limits_exceeded`` for MemoryError, RecursionError, the
    deadline or an oversized result; ``corrupt`` for any other exception or a crash.
    """
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child_main,
        args=(sender, func, args, limits.memory_mb, limits.timeout_seconds),
        daemon=True,
    )
    started = time.monotonic()
    child.start()
    sender.close()  # so that a child that dies shows up as EOF on our end
    try:
        return _collect(child, receiver, limits.timeout_seconds)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(_REAP_SECONDS)
        log.debug("parse child finished in %.2fs exit=%s", time.monotonic() - started, child.exitcode)


def _collect(child: Any, receiver: Any, timeout: float) -> Any:
    if not receiver.poll(timeout):
        child.kill()
        log.warning("parse child killed after %.0fs deadline", timeout)
        return Refusal("limits_exceeded", "deadline reached")
    try:
        payload = receiver.recv_bytes(MAX_RESULT_BYTES)
    except EOFError:
        child.join(_REAP_SECONDS)
        return _crashed(child.exitcode)
    except OSError:
        child.kill()
        return Refusal("limits_exceeded", "result too large")
    try:
        return _SafeUnpickler(io.BytesIO(payload)).load()
    except Exception as exc:  # anything unexpected from the child is treated as a damaged file
        log.error("parse child sent an unreadable result (%s)", type(exc).__name__)
        return Refusal("corrupt", "unreadable result from parse child")


def _crashed(exitcode: int | None) -> Refusal:
    """A child that ended without a result: killed for memory, or crashed inside a library."""
    if exitcode is not None and exitcode < 0:
        signal_name = signal.Signals(-exitcode).name if -exitcode in signal.valid_signals() else "?"
        log.warning("parse child died by signal %s", signal_name)
        if -exitcode in (signal.SIGKILL, signal.SIGXCPU):
            return Refusal("limits_exceeded", f"child killed by {signal_name}")
        return Refusal("corrupt", f"child crashed with {signal_name}")
    log.warning("parse child exited without a result (code %s)", exitcode)
    return Refusal("corrupt", "child exited without a result")


class _SafeUnpickler(pickle.Unpickler):
    """Unpickles Assessments, Refusals and their parts; refuses any other class."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED_CLASSES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError("class not allowed from parse child")


# --- in the child ----------------------------------------------------------------------------


def _child_main(sender: Any, func: Callable[..., Any], args: tuple, memory_mb: int,
                timeout: float) -> None:
    """Entry point of the child: limit itself, run ``func``, send back one pickled result."""
    _limit_self(memory_mb, timeout)
    result = _run_guarded(func, args)
    try:
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # a result we cannot send is a reader fault
        payload = pickle.dumps(Refusal("corrupt", f"unpicklable result ({type(exc).__name__})"))
    try:
        sender.send_bytes(payload)
    finally:
        sender.close()


def _limit_self(memory_mb: int, timeout: float) -> None:
    import resource
    import warnings

    def cap(limit: int, wanted: int) -> int:
        # Never ask for more than an outer limit (container, systemd) already allows:
        # setrlimit would refuse and the child would die without an answer.
        _soft, hard = resource.getrlimit(limit)
        return wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)

    memory = cap(resource.RLIMIT_AS, memory_mb * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu = int(timeout) + 5  # a backstop should the parent die before its deadline kill
    resource.setrlimit(resource.RLIMIT_CPU,
                       (cap(resource.RLIMIT_CPU, cpu), cap(resource.RLIMIT_CPU, cpu + 5)))
    # pdfminer and others log and warn with fragments of the file; nothing here may reach a log.
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")


def _run_guarded(func: Callable[..., Any], args: tuple) -> Any:
    try:
        return func(*args)
    except ParseRejected as exc:
        return Refusal(exc.reason, exc.detail)
    except BaseException as exc:  # the child must always answer
        return _refusal_for(exc)


def _refusal_for(exc: BaseException) -> Refusal:
    """Map an unexpected exception to a Refusal, naming only exception types."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, MemoryError | RecursionError):
            return Refusal("limits_exceeded", type(current).__name__)
        if isinstance(current, ParseRejected):
            return Refusal(current.reason, current.detail)
        # Libraries wrap the real error: pdfplumber puts it in args[0], others chain it.
        wrapped = current.args[0] if current.args and isinstance(current.args[0], BaseException) else None
        current = current.__cause__ or current.__context__ or wrapped
    return Refusal("corrupt", f"unexpected {type(exc).__name__}")
