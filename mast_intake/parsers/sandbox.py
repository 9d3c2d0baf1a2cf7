"""Run a reader in a throw-away child process with a memory cap and a wall-clock deadline.

Each file is read by a child process of its own that reads that one file and ends. The children
are forked by a small server process (``zygote``) that the service starts once in a fresh
interpreter, with the readers' libraries imported (``PRELOAD``) and their caches warmed by one
synthetic form. Forking the service itself would be unsafe (it is multi-threaded and may hold
spaCy), and starting children through multiprocessing's spawn or forkserver makes each child
re-import the service's main module: with the ``mast-intake`` entry script that is the whole
command line, about a second per file.

The pool keeps ``SPARES`` children forked ahead, waiting for their job, so a file never waits
for a fork: a spare takes the job and a new spare is forked while it works. A child that read
its file cleanly may be given the next file with the same limits, up to
``limits.files_per_child`` files (its caches are warm and its pages already its own, which is
what makes the isolation cost little more than the read); after anything else (a refusal, a
crash, the deadline, an unreadable result) it is ended. ``files_per_child=1`` gives each file a
process of its own.

In the child: RLIMIT_AS caps the address space at ``limits.memory_mb``, core dumps are off (a
core file would hold the document), RLIMIT_CPU is a backstop should the parent die, its
standard streams go to /dev/null, and logging and warnings are silenced because library
messages can quote document content. The parent kills the child at ``limits.timeout_seconds``.
The result crosses back as pickled bytes, and is unpickled with an allow-list of classes, so
even a child subverted by a hostile file could hand back nothing but data.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import json
import logging
import os
import pickle
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mast_intake.config.settings import ParseLimits

log = logging.getLogger(__name__)

PRELOAD = [
    "mast_intake.parsers.registry",
    "mast_intake.parsers.guards",
    "lxml.etree",
    "docx",
    "pdfplumber",
    "olefile",
    "mast_intake.intake.mime.walker",
    # Imported when present; a missing module is skipped by the fork server (zygote).
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


SPARES = 2  # fresh children kept forked ahead, and warm ones kept for reuse: one per concurrent file
KEEP, LAST = b"K", b"L"  # a child's first byte of each answer: may it take another job?
_FRAME = struct.Struct("!Q")
_STATUS = struct.Struct("!i")


class _ResultTooLarge(Exception):
    """The child announced a result over MAX_RESULT_BYTES."""


def write_frame(channel: socket.socket, payload: bytes) -> None:
    """Send ``payload`` with its length in front."""
    channel.sendall(_FRAME.pack(len(payload)) + payload)


def read_frame(channel: socket.socket, deadline: float | None = None,
               limit: int = MAX_RESULT_BYTES) -> bytes | None:
    """One framed payload; None at end of stream (the peer ended, possibly half-way).

    TimeoutError when ``deadline`` (time.monotonic) passes first; _ResultTooLarge when the
    announced length is over ``limit``.
    """
    header = _read_exactly(channel, _FRAME.size, deadline)
    if header is None:
        return None
    (length,) = _FRAME.unpack(header)
    if length > limit:
        raise _ResultTooLarge
    return _read_exactly(channel, length, deadline)


def _read_exactly(channel: socket.socket, size: int, deadline: float | None) -> bytes | None:
    buffer = bytearray()
    while len(buffer) < size:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([channel], [], [], remaining)[0]:
                raise TimeoutError
        chunk = channel.recv(min(size - len(buffer), 1024 * 1024))
        if not chunk:
            return None
        buffer += chunk
    return bytes(buffer)


@dataclass
class _Child:
    """A forked child waiting for, or working on, its one job."""

    pid: int
    channel: socket.socket
    status: int  # read end of the pipe the fork server reports the exit code on
    pidfd: int | None
    limits: tuple[int, float] | None = None  # (memory_mb, timeout) once it has run a job
    jobs_done: int = 0

    def idle_and_alive(self) -> bool:
        """True unless the child ended while waiting (it never speaks unasked, so EOF is death)."""
        return not select.select([self.channel], [], [], 0)[0]

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, OSError):
            if self.pidfd is not None:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            else:
                os.kill(self.pid, signal.SIGKILL)

    def exit_code(self) -> int | None:
        """How the child ended, once the fork server has reaped it (None if not within reason)."""
        if not select.select([self.status], [], [], _REAP_SECONDS)[0]:
            return None
        data = os.read(self.status, _STATUS.size)
        return _STATUS.unpack(data)[0] if len(data) == _STATUS.size else None

    def close(self) -> None:
        """Kill the child if it still runs and release our ends (the fork server reaps it)."""
        self.kill()
        self.channel.close()
        os.close(self.status)
        if self.pidfd is not None:
            os.close(self.pidfd)


# The only environment variables the readers' processes get: none of the service's settings or
# secrets (mail passwords, encryption keys) are within reach of a child a hostile file subverts.
CHILD_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR")


def _child_environment() -> dict[str, str]:
    return {name: os.environ[name] for name in CHILD_ENVIRONMENT if name in os.environ}


class _ForkServer:
    """The ``zygote`` process, started once in a fresh interpreter, and its control socket."""

    def __init__(self) -> None:
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        # The parent's import path, so that the children find the same modules (tests too).
        code = ("import sys, json; sys.path[:0] = json.loads(sys.argv[2]); "
                "from mast_intake.parsers.zygote import main; main(int(sys.argv[1]))")
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, str(theirs.fileno()), json.dumps(sys.path)],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, env=_child_environment(),
        )
        theirs.close()

    def fork(self) -> _Child:
        """A new child, waiting for its job. OSError when the fork server is gone."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        status_r, status_w = os.pipe()
        try:
            socket.send_fds(self.control, [b"F"], [theirs.fileno(), status_w])
            answer = self.control.recv(_STATUS.size)
        except OSError:
            ours.close()
            os.close(status_r)
            raise
        finally:
            theirs.close()
            os.close(status_w)
        if len(answer) != _STATUS.size:
            ours.close()
            os.close(status_r)
            raise ConnectionError(f"parse fork server ended (exit {self.process.poll()})")
        (pid,) = _STATUS.unpack(answer)
        try:
            pidfd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):  # an older kernel: fall back to the pid
            pidfd = None
        return _Child(pid, ours, status_r, pidfd)

    def close(self) -> None:
        """Hang up: the fork server ends its idle children and exits."""
        self.control.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(_REAP_SECONDS)


class _Pool:
    """The fork server and the spare children of this process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.owner = os.getpid()
        self.server: _ForkServer | None = None
        self.spares: deque[_Child] = deque()  # forked, never used
        self.warm: deque[_Child] = deque()  # used cleanly, waiting for a job with the same limits

    def _fork(self) -> _Child:
        if self.server is None or self.server.process.poll() is not None:
            self._drop_server()
            self.server = _ForkServer()
        try:
            return self.server.fork()
        except OSError:
            # The fork server died (killed, or out of memory): start a new one, once.
            self._drop_server()
            self.server = _ForkServer()
            return self.server.fork()

    def _drop_server(self) -> None:
        for children in (self.spares, self.warm):
            while children:
                children.popleft().close()
        if self.server is not None:
            self.server.close()
            self.server = None

    def _take(self, limits: tuple[int, float]) -> _Child:
        """A warm child that ran jobs with the same limits, else a fresh spare, else a new fork."""
        with self.lock:
            for child in list(self.warm):
                if child.limits == limits:
                    self.warm.remove(child)
                    if child.idle_and_alive():
                        return child
                    child.close()
            while self.spares:
                child = self.spares.popleft()
                if child.idle_and_alive():
                    return child
                child.close()
            return self._fork()

    def start(self, func: Callable[..., Any], args: tuple, limits: ParseLimits) -> _Child:
        """Hand the job to a child, then fork the next spare while it works."""
        key = (limits.memory_mb, limits.timeout_seconds)
        for attempt in (1, 2):
            child = self._take(key)
            jobs_left = max(1, limits.files_per_child) - child.jobs_done
            job = pickle.dumps((func, args, limits.memory_mb, limits.timeout_seconds, jobs_left),
                               protocol=pickle.HIGHEST_PROTOCOL)
            try:
                child.channel.settimeout(limits.timeout_seconds)
                write_frame(child.channel, job)
                child.channel.settimeout(None)
                break
            except OSError:  # it died between the check and the job: take another
                child.close()
                if attempt == 2:
                    raise
        child.limits = key
        with self.lock:
            while len(self.spares) < SPARES:
                self.spares.append(self._fork())
        return child

    def finish(self, child: _Child, reusable: bool) -> None:
        """Keep a child that read its file cleanly and may take more; end any other."""
        if reusable and self.owner == os.getpid():
            child.jobs_done += 1
            with self.lock:
                self.warm.appendleft(child)
                # The longest idle goes: it may wait for limits no caller uses any more.
                retired = self.warm.pop() if len(self.warm) > SPARES else None
            if retired is not None:
                retired.close()
            return
        child.close()

    def close(self) -> None:
        with self.lock:
            self._drop_server()


_pool_lock = threading.Lock()
_pool_instance: _Pool | None = None


def _pool() -> _Pool:
    """This process's pool, made on first use (a forked copy of this process makes its own)."""
    global _pool_instance
    with _pool_lock:
        if _pool_instance is None or _pool_instance.owner != os.getpid():
            _pool_instance = _Pool()
            atexit.register(_pool_instance.close)
        return _pool_instance


def run_isolated(func: Callable[..., Any], args: tuple, limits: ParseLimits) -> Any:
    """Call ``func(*args)`` in a sandboxed child and return its result or a Refusal.

    ``func`` must be a module-level function (it is sent to the child by reference). Whatever
    happens in the child, this returns: the function's (picklable) result; ``Refusal(reason,
    detail)`` for a ParseRejected; ``limits_exceeded`` for MemoryError, RecursionError, the
    deadline or an oversized result; ``corrupt`` for any other exception or a crash.
    """
    started = time.monotonic()
    pool = _pool()
    child = pool.start(func, args, limits)
    reusable = False
    try:
        result, reusable = _collect(child, started + limits.timeout_seconds, limits.timeout_seconds)
        return result
    finally:
        pool.finish(child, reusable)
        log.debug("parse child finished in %.2fs", time.monotonic() - started)


def _collect(child: _Child, deadline: float, timeout: float) -> tuple[Any, bool]:
    """The child's result, and whether the child may be given another job."""
    try:
        payload = read_frame(child.channel, deadline)
    except TimeoutError:
        child.kill()
        log.warning("parse child killed after %.0fs deadline", timeout)
        return Refusal("limits_exceeded", "deadline reached"), False
    except _ResultTooLarge:
        child.kill()
        return Refusal("limits_exceeded", "result too large"), False
    except OSError:
        payload = None
    if not payload:
        return _crashed(child.exit_code()), False
    try:
        return _SafeUnpickler(io.BytesIO(payload[1:])).load(), payload[:1] == KEEP
    except Exception as exc:  # anything unexpected from the child is treated as a damaged file
        log.error("parse child sent an unreadable result (%s)", type(exc).__name__)
        return Refusal("corrupt", "unreadable result from parse child"), False


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
