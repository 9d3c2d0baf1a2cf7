"""Write examples/example-tool.docx: the demo's FICTIONAL high-risk tool, for the README's examples.

The child, worker and events are invented (see ``mast_intake.web.demo``); the document is written
by the production form writer (``mast_intake.parsers.word_form``) through the demo's builder. Run
it again after changing either: ``.venv/bin/python scripts/make_example_tool.py``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mast_intake.web.demo import build_tool, demo_tools

# A fixed "today" keeps the file the same on every run.
DEMO_TODAY = date(2026, 12, 1)
TARGET = Path(__file__).resolve().parent.parent / "examples" / "example-tool.docx"


def main() -> None:
    """Build the example tool and write it."""
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_bytes(build_tool(demo_tools(DEMO_TODAY)[0]))
    print(TARGET)


if __name__ == "__main__":
    main()
