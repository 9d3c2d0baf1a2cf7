"""The labelled corpus of check cases, and each check's precision and recall over it.

A case file (``<CODE>.toml``) holds fictional statements as workers write them, each with the
findings it must raise as "CODE:item" ("CODE:" for the whole tool); a case expecting nothing is
a trap and says why in ``trap``. A case gives only what it is about; everything else is a clean
tool: a named child with a date of birth, an assessment date, a summary with a view and a
protective factor, every item 0, and a stated total and category that match the items.
``item``/``score``/``text`` is shorthand for a single scored statement. For the checks against
earlier tools, ``[[case.previous]]`` tables are the same child's earlier tools (oldest first) and
``[[case.other_children]]`` tables are tools about other children (each with a ``child_id``),
described like a case and fingerprinted with a fixed corpus key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mast_intake.language.aliases import split_alias
from mast_intake.language.dates import age_and_dob, first_date
from mast_intake.models.assessment import Assessment, ChildDetails, Entry, ItemEntry, Update
from mast_intake.models.form import ITEMS, band_for
from mast_intake.validation.figures import Evaluation, Tally
from mast_intake.validation.history import History, history_from
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.run import run_checks

DEFAULT_SUMMARY = (
    "I am worried that Nia is being groomed by older males she meets online and in the town "
    "centre. What is working well: Nia has a close relationship with her grandmother."
)
# Another child's tool has its own summary unless the case gives one.
OTHER_SUMMARY = (
    "Kit has been seen with a group of older youths near the skate park and her grades have "
    "dropped. What is working well: Kit trusts her form tutor."
)
CORPUS_KEY = b"fictional-fingerprint-key-for-the-corpus"


@dataclass(frozen=True)
class Case:
    """One labelled case: its file's codes, its name, the findings it must raise."""

    file: str
    codes: tuple[str, ...]
    data: dict

    @property
    def name(self) -> str:
        return f"{self.file}: {self.data['name']}"

    @property
    def expect(self) -> list[str]:
        return list(self.data["expect"])


def load_cases(folder: Path) -> Iterator[Case]:
    """Every case in ``folder``'s TOML files, in file order."""
    for path in sorted(Path(folder).glob("*.toml")):
        data = tomllib.loads(path.read_text())
        codes = tuple(data.get("codes", [path.stem]))
        for case in data["case"]:
            yield Case(path.stem, codes, case)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _item(key: str, spec: dict) -> ItemEntry:
    entries = [Entry(score, text) for score, text in spec.get("entries", [])]
    if "text" in spec:
        entries.append(Entry(spec.get("score"), spec["text"]))
    score = spec.get("score", sum(e.score or 0 for e in entries))
    updates = [Update(_date(day), text) for day, text in spec.get("updates", [])]
    rationale = "\n".join(e.text for e in entries if e.text)
    return ItemEntry(key, score, rationale, updates, entries)


def record_from_case(case: dict) -> Assessment:
    """The record a case describes."""
    child = case.get("child", {})
    # Dates given as written are read as the reader reads them; ISO dates are taken as they are.
    assessed = (_date(case["assessment_date"]) if "assessment_date" in case
                else first_date(case["date_version"]) if "date_version" in case else date(2026, 5, 10))
    if "dob" not in child and "age_dob" in child:
        age, dob = age_and_dob(child["age_dob"], assessed)
        child = {"age": age, **child, "dob": dob.isoformat() if dob else ""}
    specs = dict(case.get("items", {}))
    if "item" in case:
        specs[case["item"]] = {"score": case.get("score", 1), "text": case["text"]}
    items = {key: _item(key, specs.get(key, {})) for key in ITEMS}
    # The name box as written: an alias in it ("Kaiden Jones - known as KJ") is read apart.
    name, alias = split_alias(child.get("name", "Nia Okafor"))
    fields = {"name": name, "age_dob": child.get("age_dob", "")}
    fields.update({key: child[key] for key in ("known_as", "address") if child.get(key)})
    if alias:
        fields["known_as"] = "; ".join(filter(None, (alias, fields.get("known_as"))))
    record = Assessment(
        file_name="case.docx",
        sha256="",
        kind="docx",
        child=ChildDetails(fields=fields, dob=_date(child.get("dob", "2011-04-02")), age=child.get("age")),
        assessment_date=assessed,
        date_version=case.get("date_version", ""),
        items=items,
        summary=case.get("summary", DEFAULT_SUMMARY),
    )
    record.stated_total = None if case.get("no_total") else case.get("stated_total", record.computed_total)
    record.stated_category = case.get("stated_category", band_for(record.stated_total or 0))
    if record.stated_total is not None:
        record.stated_total_text = str(record.stated_total)
    return record


def history_from_case(case: dict) -> History | None:
    """The earlier tools a case describes, or None when it describes none."""
    if "previous" not in case and "other_children" not in case:
        return None
    others = [(tool["child_id"], record_from_case({"summary": OTHER_SUMMARY, **tool}))
              for tool in case.get("other_children", [])]
    return history_from([record_from_case(tool) for tool in case.get("previous", [])], others, CORPUS_KEY)


def findings_for(case: Case, options: CheckOptions) -> list[str]:
    """The findings the checks raise for ``case``, among its file's codes, as "CODE:item"."""
    history = history_from_case(case.data)
    if history is not None:
        options = options.with_history(history)
    findings = run_checks(record_from_case(case.data), options)
    return sorted(f"{f.code}:{f.item or ''}" for f in findings if f.code in case.codes)


def evaluate(folder: Path, options: CheckOptions) -> Evaluation:
    """Precision and recall of every code over the corpus in ``folder``."""
    result = Evaluation()
    for case in load_cases(folder):
        got, expected = findings_for(case, options), case.expect
        for code in case.codes:
            tally = result.tallies.setdefault(code, Tally())
            mine = [f for f in got if f.startswith(code + ":")]
            wanted = [f for f in expected if f.startswith(code + ":")]
            if case.file == code:
                tally.cases += 1
                tally.traps += not wanted
            remaining = list(wanted)
            for finding in mine:
                if finding in remaining:
                    remaining.remove(finding)
                    tally.true_positive += 1
                else:
                    tally.false_positive += 1
            tally.false_negative += len(remaining)
        if got != sorted(expected):
            result.wrong.append((case.name, got, sorted(expected)))
    return result
