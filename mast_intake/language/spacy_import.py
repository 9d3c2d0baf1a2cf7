"""spaCy imported without its command line: import this module before anything imports spaCy.

spaCy's package imports its own command line (``spacy.cli``: typer, weasel, model downloads)
only to offer ``spacy.info``; that is about a fifth of its import time, paid by every
`mast-intake check` and never used by the checks. While spaCy's package initialises,
``spacy.cli`` is a placeholder whose ``info`` imports the real one when called; the placeholder
is then taken out of ``sys.modules``, so an explicit ``import spacy.cli`` still gets the real
command line. The garbage collector is paused meanwhile: the import makes many long-lived
objects and no garbage worth a collection.
"""

from __future__ import annotations

import gc
import sys
import types
from typing import Any

_PLACEHOLDERS = ("spacy.cli", "spacy.cli.info")


def info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``, importing spaCy's command line on first use."""
    from spacy.cli.info import info as real_info

    return real_info(*args, **kwargs)


def _import_spacy() -> None:
    if "spacy" in sys.modules:
        return
    placeholders = {}
    for name in _PLACEHOLDERS:
        module = types.ModuleType(name)
        module.info = info  # type: ignore[attr-defined]
        module.__path__ = []  # a package, as the real one is
        placeholders[name] = sys.modules.setdefault(name, module)
    collecting = gc.isenabled()
    gc.disable()
    try:
        import spacy  # noqa: F401
    finally:
        for name, module in placeholders.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
        if collecting:
            gc.enable()


_import_spacy()
