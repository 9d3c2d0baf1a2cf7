"""Checking throughput, for ``make bench``."""

from __future__ import annotations

import time
from collections.abc import Sequence

from mast_intake.language import evidence, nlp
from mast_intake.models.assessment import Assessment
from mast_intake.validation.run import run_checks

MIN_SECONDS = 0.5


def bench_checks(records: Sequence[Assessment]) -> dict:
    """Run every check over ``records`` (at least once, and for about half a second).

    Returns records checked, seconds, records per second and milliseconds per record. Reading
    the first record outside the timing builds the spaCy pipeline, as a running service has.
    """
    if not records:
        return {"records": 0, "seconds": 0.0, "records_per_second": 0.0, "ms_per_record": 0.0}
    run_checks(records[0])
    checked = 0
    started = time.perf_counter()
    while checked == 0 or time.perf_counter() - started < MIN_SECONDS:
        # Each pass starts cold: a service sees each text once, so cached parses would flatter.
        nlp.parse.cache_clear()
        evidence.event_dates.cache_clear()
        for record in records:
            run_checks(record)
        checked += len(records)
    seconds = time.perf_counter() - started
    return {
        "records": checked,
        "seconds": seconds,
        "records_per_second": checked / seconds,
        "ms_per_record": 1000 * seconds / checked,
    }
