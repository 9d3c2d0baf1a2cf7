"""The MAST web console: agenda, submissions, decisions, children, quarantine and accounts.

``create_app(app)`` builds the FastAPI application over a wired service; ``serve_in_background``
runs it with uvicorn in a daemon thread beside the scheduler (``mast-intake run``).
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from mast_intake.bootstrap import App

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(app: App) -> FastAPI:  # FastAPI is imported late: it is an optional extra
    """The web console for ``app`` (a FastAPI application)."""
    from mast_intake.web.app import create_app as build

    return build(app)


class _Server:
    """Holds the uvicorn server so the caller can stop it (tests) or leave it to the process."""

    server = None


def serve_in_background(app: App, ready_timeout: float = 10.0) -> threading.Thread:
    """Start the console on ``settings.web.host:port`` in a daemon thread; returns the thread.

    Waits until uvicorn is listening (or ``ready_timeout`` passed), so a port already in use is
    reported at start-up rather than later. The thread's ``server`` attribute is the uvicorn
    server: set ``server.should_exit = True`` to stop it.
    """
    import uvicorn

    # log_config=None: uvicorn logs through the service's JSON handler, never its own tracebacks.
    config = uvicorn.Config(create_app(app), host=app.settings.web.host, port=app.settings.web.port,
                            log_level="warning", access_log=False, log_config=None, proxy_headers=False,
                            server_header=False, date_header=False)
    # uvicorn leaves signals alone outside the main thread, so Ctrl+C still stops the scheduler.
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="mast-web", daemon=True)
    thread.server = server  # type: ignore[attr-defined]
    thread.start()
    deadline = time.monotonic() + ready_timeout
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        raise RuntimeError(f"the web console did not start on {config.host}:{config.port} "
                           "(is the port in use?)")
    return thread
