"""Build fictional records from the compact case descriptions in ``cases/*.toml``.

The builder lives in ``mast_intake.validation.corpus`` (``mast-intake rules --evaluate`` uses it
too); this name is kept for tests written against it.
"""

from mast_intake.validation.corpus import DEFAULT_SUMMARY, record_from_case

__all__ = ["DEFAULT_SUMMARY", "record_from_case"]
