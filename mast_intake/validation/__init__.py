"""Good-practice checks: each in its own module under ``rules``, listed in ``catalogue``."""

# First, before any rule imports spaCy: spaCy without its command line (see the module).
from mast_intake.language import spacy_import  # noqa: F401
from mast_intake.validation.catalogue import RULES
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.run import run_checks

__all__ = ["CheckOptions", "RULES", "run_checks"]
