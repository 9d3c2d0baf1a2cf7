"""The clock port: what time it is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

Clock = Callable[[], datetime]
"""Gives "now" as a timezone-aware UTC datetime (``models.rows.utc_now`` in production; tests
pass a clock they can move). Every rule that depends on the time asks a clock, never the system."""
