"""Changes since the previous tool: items newly scored, no longer scored, reworded; the summary."""

from __future__ import annotations

from mast_intake.models.assessment import Assessment, ItemEntry
from mast_intake.models.form import ITEMS
from mast_intake.web.changes import compare


def _tool(scores: dict[str, tuple[int, str]], summary: str) -> Assessment:
    items = {key: ItemEntry(key, *scores.get(key, (0, ""))) for key in ITEMS}
    return Assessment("tool.docx", "0" * 64, "docx", items=items, summary=summary)


def test_items_newly_scored_dropped_and_reworded_are_listed_side_by_side() -> None:
    before = _tool({"emotional_neglect": (1, "Seen in May."),
                    "family_domestic_abuse": (1, "Police call-out."),
                    "family_substance_misuse": (0, "None known.")}, "At risk (fictional).")
    after = _tool({"emotional_neglect": (1, "Seen in May."),
                   "physical_abuse_by_family": (1, "Bruising seen."),
                   "family_substance_misuse": (0, "Mother in treatment.")}, "At risk (fictional).")
    changes = compare(7, before, after)
    by_key = {item.key: item for item in changes.items}
    assert set(by_key) == {"family_domestic_abuse", "physical_abuse_by_family", "family_substance_misuse"}
    assert by_key["physical_abuse_by_family"].change == "Newly scored"
    assert by_key["family_domestic_abuse"].change == "No longer scored"
    assert by_key["family_substance_misuse"].change == "Wording changed"
    assert by_key["family_substance_misuse"].before_text == "None known."
    assert [i.key for i in changes.newly_scored] == ["physical_abuse_by_family"]
    assert changes.previous_total == changes.current_total == 2
    assert changes.previous_id == 7 and not changes.summary_changed


def test_a_changed_summary_is_noticed() -> None:
    changes = compare(1, _tool({}, "First words."), _tool({}, "Other words."))
    assert changes.summary_changed and changes.items == ()
