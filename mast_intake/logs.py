"""Structured logs: one JSON object per line with the event and its ids, never a child's data.

Call sites pass only ids, counts, outcomes and exception type names in ``extra``; this module
writes what they pass and nothing from the message or file being handled.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON line: time, level, logger, event and extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info and record.exc_info[0] is not None:
            # The type only: a traceback's locals and messages can carry document text.
            entry["exception"] = record.exc_info[0].__name__
        return json.dumps(entry, default=str)


def configure(level: str = "INFO", verbose: bool = False) -> None:
    """Send the service's logs to stderr as JSON lines; libraries' progress lines only if ``verbose``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("pdfminer", "apscheduler.executors", "exchangelib", "urllib3", "msal"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Alembic announces every migration step at INFO: useful when asked for, noise otherwise.
    logging.getLogger("alembic").setLevel(logging.NOTSET if verbose else logging.WARNING)
