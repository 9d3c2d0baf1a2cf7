"""The earlier tools a case in ``cases/*.toml`` describes, as the cross-tool checks receive them.

``[[case.previous]]`` tables are the same child's earlier tools (oldest first) and
``[[case.other_children]]`` tables are tools about other children (each with a ``child_id``),
both described like a case. The fingerprints of the other children's tools are made with a
fixed test key, as the poll cycle makes them with the service's key.
"""

from __future__ import annotations

from mast_intake.validation import CheckOptions
from mast_intake.validation.history import History, PriorTool, fingerprints
from tests.unit.validation.records import record_from_case

TEST_KEY = b"fictional-fingerprint-key-for-tests"
# Another child's tool has its own summary unless the case gives one.
OTHER_SUMMARY = (
    "Kit has been seen with a group of older youths near the skate park and her grades have "
    "dropped. What is working well: Kit trusts her form tutor."
)


def history_from_case(case: dict) -> History | None:
    """The history a case describes, or None when it describes none."""
    if "previous" not in case and "other_children" not in case:
        return None
    previous = tuple(PriorTool(index, record_from_case(tool))
                     for index, tool in enumerate(case.get("previous", []), start=1))
    children: dict[str, set[int]] = {}
    tools: dict[str, set[int]] = {}
    for index, tool in enumerate(case.get("other_children", []), start=100):
        for digest in fingerprints(record_from_case({"summary": OTHER_SUMMARY, **tool}), TEST_KEY):
            children.setdefault(digest, set()).add(tool["child_id"])
            tools.setdefault(digest, set()).add(index)
    return History(previous, TEST_KEY, {k: frozenset(v) for k, v in children.items()},
                   {k: frozenset(v) for k, v in tools.items()})


def options_from_case(case: dict) -> CheckOptions:
    """The check options for a case: the defaults, with its history when it gives one."""
    history = history_from_case(case)
    return CheckOptions() if history is None else CheckOptions().with_history(history)
