"""Precision and recall of the cross-tool checks on generated pairs and sequences of tools.

Each scenario is a fictional child's tool with the findings it should get from the four checks
(``CODE:item``); the figures are counted over every scenario and must stay above the floors
below. ``pytest -s`` prints them. A sample of the generated tools is built as Word documents and
read back, to show that :func:`record_of` is what the reader gives.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import pytest

from mast_intake.models.assessment import Assessment
from mast_intake.parsers.word import parse_docx
from mast_intake.validation import CheckOptions, run_checks
from tests.fixtures.factory import ItemAnswer, build_form, with_answers
from tests.unit.validation.tool_sequences import (
    UNDATED_ITEMS,
    child_tool,
    first_name,
    history_of,
    record_of,
    red,
)

CODES = ("COPIED_FROM_OTHER_CHILD", "SUMMARY_NOT_UPDATED", "UPDATE_WITHOUT_DATE", "STALE_SCORE_CARRIED")
# Measured with seed 18: see README "The checks". The generated writers share more wording than
# real ones (few templates), which is what holds the copy check's precision below 1.
FLOORS = {"COPIED_FROM_OTHER_CHILD": (0.85, 0.95), "SUMMARY_NOT_UPDATED": (0.95, 0.95),
          "UPDATE_WITHOUT_DATE": (0.95, 0.95), "STALE_SCORE_CARRIED": (0.95, 0.95)}
PER_KIND = 32
START = date(2026, 3, 2)

Scenario = tuple[str, Assessment, list[Assessment], list[tuple[int, Assessment]], set[str]]


def _later(rng: random.Random, spec, days: int):
    day = spec.assessment_date + timedelta(days=days)
    return replace(spec, assessment_date=day, date_version_text=f"{day:%d/%m/%Y} v2")


def _world(rng: random.Random) -> list[tuple[int, Assessment]]:
    """Thirty other children's tools, a third with the same stock sentence."""
    specs = [child_tool(rng, START + timedelta(days=rng.randint(0, 200)), stock=i % 3 == 0)
             for i in range(30)]
    return [(100 + i, record_of(spec)) for i, spec in enumerate(specs)]


def _copied(rng: random.Random, world) -> list[Scenario]:
    scenarios = []
    for n in range(PER_KIND):
        _, source = world[rng.randrange(len(world))]
        spec = child_tool(rng, START + timedelta(days=rng.randint(0, 200)))
        me, them = first_name(spec), source.child.name.split()[0]
        kind = n % 3
        if kind == 0:  # the whole summary, the name changed
            spec, where = replace(spec, summary=tuple(source.summary.replace(them, me).splitlines())), ""
        elif kind == 1:  # one item's rationale as it was
            key = next(k for k, item in source.items.items() if item.score and item.rationale)
            spec, where = with_answers(spec, **{key: ItemAnswer(1, source.items[key].rationale, "dash")}), key
        else:  # their worry sentence pasted into this child's own summary
            pasted = next(line for line in source.summary.splitlines() if " is that " in line)
            spec, where = replace(spec, summary=(pasted.replace(them, me), *spec.summary[1:])), ""
        scenarios.append(("copied", record_of(spec), [], world, {f"COPIED_FROM_OTHER_CHILD:{where}"}))
    for n in range(PER_KIND):
        spec = child_tool(rng, START + timedelta(days=rng.randint(0, 200)), stock=n % 2 == 0)
        scenarios.append(("independent", record_of(spec), [], world, set()))
    return scenarios


def _sequences(rng: random.Random) -> list[Scenario]:
    scenarios = []
    for n in range(PER_KIND):
        first = child_tool(rng, START + timedelta(days=rng.randint(0, 100)))
        gap = rng.randint(45, 120)
        second = _later(rng, first, gap)
        expect: set[str] = set()
        carried = [k for k in UNDATED_ITEMS if first.answer(k).score]
        kind = n % 4
        if kind == 0:  # summary and undated points carried unchanged
            expect = {"SUMMARY_NOT_UPDATED:"} | {f"STALE_SCORE_CARRIED:{k}" for k in carried}
        elif kind == 1:  # one word of the summary changed; new dated updates on the undated points
            words = list(first.summary)
            words[0] = words[0].replace(" is that ", " is this: ")
            recent = red("Seen again this week.", second.assessment_date - timedelta(days=3))
            updates = {k: replace(first.answer(k), updates=(recent,)) for k in carried}
            second = with_answers(replace(second, summary=tuple(words)), **updates)
            expect = {"SUMMARY_NOT_UPDATED:"}
        elif kind == 2:  # summary reviewed; an undated red update on a point
            key = carried[0]
            second = with_answers(
                replace(second, summary=(f"Reviewed on {second.assessment_date:%d/%m/%Y}: the risk has "
                                         "remained the same.", *first.summary)),
                **{key: replace(first.answer(key), updates=(red("She has now moved schools.", None),))},
            )
            expect = {f"UPDATE_WITHOUT_DATE:{key}"}
            expect |= {f"STALE_SCORE_CARRIED:{k}" for k in carried if k != key}
        else:  # a corrected copy of the same assessment
            second = _later(rng, first, 0)
        scenarios.append(("sequence", record_of(second), [record_of(first)], [], expect))
    return scenarios


def _measure(scenarios: list[Scenario]) -> dict[str, Counter]:
    counts = {code: Counter() for code in CODES}
    for _, record, previous, others, expected in scenarios:
        options = CheckOptions().with_history(history_of(previous, others))
        got = {f"{f.code}:{f.item or ''}" for f in run_checks(record, options) if f.code in CODES}
        for code in CODES:
            mine_got = {g for g in got if g.startswith(code)}
            mine_expected = {e for e in expected if e.startswith(code)}
            counts[code]["tp"] += len(mine_got & mine_expected)
            counts[code]["fp"] += len(mine_got - mine_expected)
            counts[code]["fn"] += len(mine_expected - mine_got)
    return counts


@pytest.fixture(scope="module")
def scenarios() -> list[Scenario]:
    rng = random.Random(18)
    return _copied(rng, _world(rng)) + _sequences(rng)


def test_precision_and_recall_of_each_cross_tool_check(scenarios) -> None:
    counts = _measure(scenarios)
    measured = {}
    for code, c in counts.items():
        precision = c["tp"] / ((c["tp"] + c["fp"]) or 1)
        recall = c["tp"] / ((c["tp"] + c["fn"]) or 1)
        print(f"{code}: precision {precision:.2f}, recall {recall:.2f} ({dict(c)})")
        measured[code] = (precision, recall, c["tp"])
    for code, (precision, recall, found) in measured.items():
        assert found >= 6, f"{code}: too few cases to measure"
        assert precision >= FLOORS[code][0] and recall >= FLOORS[code][1], (code, dict(counts[code]))


def test_the_reader_gives_what_the_scenarios_assume(scenarios) -> None:
    rng = random.Random(5)
    spec = child_tool(rng, START)
    key = next(k for k in UNDATED_ITEMS if spec.answer(k).score)
    undated = red("Now at a new school.", None)
    spec = with_answers(spec, **{key: replace(spec.answer(key), updates=(undated,))})
    data = build_form(spec)
    parsed = parse_docx(data, "tool.docx", hashlib.sha256(data).hexdigest())
    expected = record_of(spec)
    assert parsed.summary == expected.summary
    for item_key, item in expected.items.items():
        got = parsed.items[item_key]
        assert (got.score, got.rationale, got.updates) == (item.score, item.rationale, item.updates), item_key
