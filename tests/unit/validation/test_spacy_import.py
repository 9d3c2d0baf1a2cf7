"""spaCy is imported without its command line, which stays importable for whoever asks for it."""

from __future__ import annotations

import subprocess
import sys

_PROBE = """
import sys
import mast_intake.validation
assert "spacy" in sys.modules
assert "spacy.cli" not in sys.modules, "spaCy's command line was imported with the checks"
import spacy.cli
assert spacy.cli.__file__.endswith("__init__.py") and hasattr(spacy.cli, "download")
"""


def test_the_checks_import_spacy_without_its_command_line() -> None:
    # A fresh interpreter: this test process may have imported spaCy already.
    subprocess.run([sys.executable, "-c", _PROBE], check=True, timeout=120)
