"""Named points where a test can kill the process for real, to prove nothing is lost or doubled.

The service passes the name from its settings (``MAST_INTAKE_CRASHPOINT``, empty in normal
use); when a step's name matches, the process sends itself SIGKILL: no clean-up, no finally
blocks, exactly as if the machine lost power at that step.
"""

from __future__ import annotations

import os
import signal


def crashpoint(configured: str, name: str) -> None:
    """Kill this process outright when ``configured`` names this step."""
    if configured and configured == name:
        os.kill(os.getpid(), signal.SIGKILL)
