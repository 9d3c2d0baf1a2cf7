"""The earlier tools a case in ``cases/*.toml`` describes, as the cross-tool checks receive them.

``[[case.previous]]`` tables are the same child's earlier tools (oldest first) and
``[[case.other_children]]`` tables are tools about other children (each with a ``child_id``),
both described like a case. The fingerprints of the other children's tools are made with a
fixed test key, as the poll cycle makes them with the service's key.
"""

from __future__ import annotations

from mast_intake.validation import CheckOptions
from mast_intake.validation.history import History
from tests.unit.validation.records import record_from_case
from tests.unit.validation.tool_sequences import history_of

# Another child's tool has its own summary unless the case gives one.
OTHER_SUMMARY = (
    "Kit has been seen with a group of older youths near the skate park and her grades have "
    "dropped. What is working well: Kit trusts her form tutor."
)


def history_from_case(case: dict) -> History | None:
    """The history a case describes, or None when it describes none."""
    if "previous" not in case and "other_children" not in case:
        return None
    others = [(tool["child_id"], index, record_from_case({"summary": OTHER_SUMMARY, **tool}))
              for index, tool in enumerate(case.get("other_children", []), start=100)]
    return history_of([record_from_case(tool) for tool in case.get("previous", [])], others)


def options_from_case(case: dict) -> CheckOptions:
    """The check options for a case: the defaults, with its history when it gives one."""
    history = history_from_case(case)
    return CheckOptions() if history is None else CheckOptions().with_history(history)
