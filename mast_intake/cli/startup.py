"""Starting the wired service from a command: every failure is one readable line and an exit code.

The traceback goes to the log at debug level only (``MAST_INTAKE_LOG_LEVEL=DEBUG``): an
operator needs what is wrong and what to do, not a hundred lines whose cause is on the last.
"""

from __future__ import annotations

import logging
import traceback
from typing import TYPE_CHECKING

import click

from mast_intake.config import ConfigError, Settings

if TYPE_CHECKING:
    from mast_intake.bootstrap import App

log = logging.getLogger(__name__)

EXIT_START_FAILED = 1
EXIT_CONFIG = 2
EXIT_DATABASE_UNUSABLE = 3


class StartRefused(click.ClickException):
    """The service would not start; ``exit_code`` says why (see the README's exit codes)."""

    def __init__(self, message: str, exit_code: int = EXIT_START_FAILED) -> None:
        super().__init__(message)
        # click declares exit_code on the class; what it reads is the instance's (self.exit_code).
        self.exit_code = exit_code  # type: ignore[misc]


def start(settings: Settings, check_keys: bool = True) -> App:
    """``bootstrap(settings, check_keys=...)``, with its failures turned into ``StartRefused``."""
    from mast_intake.bootstrap import bootstrap
    from mast_intake.storage.integrity import DatabaseUnusable

    try:
        return bootstrap(settings, check_keys=check_keys)
    except DatabaseUnusable as exc:
        log.debug("start refused", extra={"traceback": traceback.format_exc()})
        raise StartRefused(f"cannot start: {exc}", EXIT_DATABASE_UNUSABLE) from exc
    except ConfigError as exc:  # e.g. a missing or wrong encryption key, or no sender verification
        log.debug("start refused", extra={"traceback": traceback.format_exc()})
        raise StartRefused(str(exc)) from exc
    except Exception as exc:
        log.debug("start failed", extra={"traceback": traceback.format_exc()})
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise StartRefused(f"cannot start: {type(exc).__name__}" + (f": {detail}" if detail else "")
                           + " (set MAST_INTAKE_LOG_LEVEL=DEBUG to log the traceback)") from exc
