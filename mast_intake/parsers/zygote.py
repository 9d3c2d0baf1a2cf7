"""The parse sandbox's fork server and the throw-away children it forks (see ``sandbox``).

Started by the service in a fresh interpreter (so it never imports the command line, spaCy or
the web stack, whatever the service's main module is), it imports the readers, reads one
synthetic form to warm their caches, freezes the garbage collector's view of that heap (so a
fork does not copy it page by page) and then waits on its control socket. Each request carries
two descriptors: the socket a child will talk to the service on, and a pipe to report how that
child ended. The server forks a child per request, answers with its pid, and writes each
child's exit code to its pipe when it reaps it.

A child waits for a job (a pickled ``(func, args, memory_mb, timeout, jobs_left)`` from the
service). Before its first job it caps itself (address space, no core dumps, CPU time for all
the jobs it may run) and silences logging and warnings; its standard streams already point at
/dev/null. It runs the job and sends back one pickled result, prefixed with ``KEEP`` when it may
take another job (the job succeeded and ``jobs_left`` allows) or ``LAST``, after which it exits
without running any clean-up.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import os
import pickle
import resource
import selectors
import signal
import socket
import struct
from typing import Any

from mast_intake.parsers.rejections import ParseRejected
from mast_intake.parsers.sandbox import KEEP, LAST, PRELOAD, Refusal, read_frame, write_frame

_STATUS = struct.Struct("!i")
JOB_LIMIT = 1 << 40


def serve(control: socket.socket, rehearsal: bytes = b"") -> None:
    """Fork a child per request on ``control`` until the service hangs up; then end every child.

    Each child first reads ``rehearsal`` (the synthetic warm-up form), see ``_child``.
    """
    children: dict[int, int] = {}  # pid -> write end of its status pipe
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ)
    selector.register(wake_r, selectors.EVENT_READ)
    try:
        while True:
            for key, _ in selector.select():
                if key.fileobj == wake_r:
                    os.read(wake_r, 4096)
                    _reap(children)
                    continue
                message, fds, _flags, _addr = socket.recv_fds(control, 16, 2)
                if not message or len(fds) != 2:
                    return
                pid = os.fork()
                if pid == 0:
                    _child(fds[0], rehearsal)
                os.close(fds[0])
                children[pid] = fds[1]
                control.send(_STATUS.pack(pid))
            _reap(children)
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _reap(children: dict[int, int]) -> None:
    """Collect every ended child and report its exit code (negative: the signal that ended it)."""
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        report = children.pop(pid, None)
        if report is not None:
            with contextlib.suppress(OSError):
                os.write(report, _STATUS.pack(os.waitstatus_to_exitcode(status)))
            os.close(report)


# --- in a child ------------------------------------------------------------------------------


def _child(job_fd: int, rehearsal: bytes = b"") -> None:
    """Run the jobs sent on ``job_fd`` until told the last one, then exit; never returns.

    While it waits for its first job, the child reads ``rehearsal`` (our own synthetic form):
    the pages the reader writes to are copied from the fork server's then, on an idle core,
    rather than one page fault at a time while a worker's file waits.
    """
    code = 0
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        # Nothing but its own channel: no other child's socket, no way to ask for a fork.
        os.closerange(3, job_fd)
        os.closerange(job_fd + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
        _quiet_streams()
        if rehearsal:
            _rehearse(rehearsal)
        channel = socket.socket(fileno=job_fd)
        first = True
        # Jobs come from the service, which has already refused files over its size limit.
        while (frame := read_frame(channel, limit=JOB_LIMIT)) is not None:
            if not _answer(channel, frame, first):
                break
            first = False
    except BaseException:  # nothing may escape into the fork server's loop
        code = 70
    finally:
        os._exit(code)


def _quiet_streams() -> None:
    """Point stdin, stdout and stderr at /dev/null: a library's message could quote the file."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _answer(channel: socket.socket, frame: bytes, first: bool) -> bool:
    """Run one job and send its result; True when this child may take another job."""
    try:
        func, args, memory_mb, timeout, jobs_left = pickle.loads(frame)
    except Exception as exc:  # e.g. the function's module cannot be imported here
        result: Any = Refusal("corrupt", f"job not understood ({type(exc).__name__})")
        last = True
    else:
        if first:
            _limit_self(memory_mb, timeout, jobs_left)
        last = not _allow_cpu(timeout) or jobs_left <= 1
        result = _run_guarded(func, args)
    # Anything but a clean read ends this child: a file that failed may have left it damaged.
    keep = not last and not isinstance(result, Refusal)
    try:
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # a result we cannot send is a reader fault
        payload = pickle.dumps(Refusal("corrupt", f"unpicklable result ({type(exc).__name__})"))
        keep = False
    write_frame(channel, (KEEP if keep else LAST) + payload)
    return keep


def _limit_self(memory_mb: int, timeout: float, jobs: int) -> None:
    """Cap memory, forbid core dumps and bound the CPU time of all ``jobs`` this child may run."""
    import warnings

    memory = _within_hard_limit(resource.RLIMIT_AS, memory_mb * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu = _cpu_used() + jobs * _cpu_budget(timeout) + 5
    hard = _within_hard_limit(resource.RLIMIT_CPU, cpu)
    resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))
    # pdfminer and others log and warn with fragments of the file; nothing here may reach a log.
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")


def _within_hard_limit(limit: int, wanted: int) -> int:
    # Never ask for more than an outer limit (container, systemd) already allows:
    # setrlimit would refuse and the child would die without an answer.
    _soft, hard = resource.getrlimit(limit)
    return wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)


def _cpu_used() -> int:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return int(usage.ru_utime + usage.ru_stime) + 1


def _cpu_budget(timeout: float) -> int:
    # A backstop should the service die before its deadline kill.
    return int(timeout) + 5


def _allow_cpu(timeout: float) -> bool:
    """Let this job use its CPU budget; False when the hard limit leaves no room for another job."""
    budget = _cpu_budget(timeout)
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = min(_cpu_used() + budget, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    return soft + budget <= hard


def _run_guarded(func: Any, args: tuple) -> Any:
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


# --- start-up --------------------------------------------------------------------------------


def warm_up() -> bytes:
    """Import the readers and read a synthetic form once, so every child starts with warm caches.

    Returns the synthetic form, for each child's rehearsal.
    """
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    import io

    import docx

    from mast_intake.models.form import DETAILS, ITEMS

    document = docx.Document()
    labels = [d.label for d in DETAILS.values()] + [i.label for i in ITEMS.values()]
    table = document.add_table(rows=len(labels), cols=2)
    for row, label in zip(table.rows, labels, strict=True):
        row.cells[0].text = label
        row.cells[1].text = "1 - warm-up text"
    buffer = io.BytesIO()
    document.save(buffer)
    form = buffer.getvalue()
    _rehearse(form)
    return form


def _rehearse(form: bytes) -> None:
    """Read the synthetic ``form`` (never a file from outside)."""
    from mast_intake.config.settings import ParseLimits
    from mast_intake.parsers.registry import read_any

    with contextlib.suppress(Exception):  # the synthetic form only has to exercise the reader
        read_any(form, "warm-up.docx", "", ParseLimits())


def main(control_fd: int) -> None:
    """Warm up, then serve on the inherited control socket ``control_fd`` (see ``sandbox``)."""
    control = socket.socket(fileno=control_fd)
    # Ctrl+C in a terminal reaches the whole process group; we end when the service hangs up.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    rehearsal = warm_up()
    gc.collect()
    gc.freeze()
    try:
        serve(control, rehearsal)
    finally:
        os._exit(0)  # nothing to clean up; tearing down the warmed heap would only cost time
