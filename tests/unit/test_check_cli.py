"""`mast-intake check --json`: one object per file, in the documented shape."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from mast_intake.cli import main
from tests.shared_paths import SAMPLES, require

KEYS = {"file", "status", "reason", "message", "child", "assessment_date", "items", "stated_total",
        "stated_category", "computed_total", "computed_category", "summary", "flags"}


def test_json_lines_match_the_expected_samples(tmp_path) -> None:
    expected = json.loads(require(SAMPLES / "expected.json").read_text())
    paths = sorted(str(SAMPLES / name) for name in expected)
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 truncated")
    result = CliRunner().invoke(main, ["check", "--json", *paths, str(broken)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == len(paths) + 1
    for line in lines:
        assert set(line) == KEYS
    for line in lines[:-1]:
        want = expected[Path(line["file"]).name]
        assert line["status"] == "parsed"
        assert line["child"]["name"] == want["child_name"]
        assert line["child"]["dob"] == want["dob"]
        assert line["assessment_date"] == want["assessment_date"]
        assert {k: min(v["score"], 1) for k, v in line["items"].items()} == want["scores"]
        assert (line["computed_total"], line["computed_category"]) == (want["computed_total"],
                                                                        want["computed_category"])
        assert (line["stated_total"], line["stated_category"]) == (want["stated_total"],
                                                                    want["stated_category"])
        flags = {f"{f['code']}:{f['item'] or ''}" for f in line["flags"]}
        assert set(want["flags"]) <= flags
        assert all(set(f) == {"code", "item", "severity", "message", "excerpt"} for f in line["flags"])
    assert lines[-1]["status"] == "rejected" and lines[-1]["reason"] == "corrupt"
    assert lines[-1]["message"]


def test_readable_output_groups_findings(tmp_path) -> None:
    result = CliRunner().invoke(main, ["check", str(require(SAMPLES / "sample_14.docx"))])
    assert result.exit_code == 0
    assert "Must fix:" in result.output or "Should fix:" in result.output
    assert "recomputed 21 (high)" in result.output


def test_the_shipped_example_tool_reads_as_the_readme_shows() -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "example-tool.docx"
    result = CliRunner().invoke(main, ["check", str(example)])
    assert result.exit_code == 0, result.output
    for line in ("Child: Rowan Example-Demo, age 15, date of birth 2011-03-14",
                 "Score: stated 20 (high), recomputed 21 (high)", '"Seen with CH again'):
        assert line in result.output
