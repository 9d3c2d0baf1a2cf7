"""The decision as a plain-text block for the child's record in the case management system.

The case note carries it (its templates include the block), and ``render_case_record`` gives
the same text for the console's copy button. The layout is a Jinja2 template: the packaged
``case_record.txt.j2`` by default, or a file named by the ``case_record_template`` setting for
a council whose system wants other fields or another order. The template gets ``view``, the
case note's ``CaseNoteView``, so a field added there is one line in the template.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Template, TemplateError

from mast_intake.config.settings import ConfigError
from mast_intake.notifier.compose import environment
from mast_intake.notifier.views.case_note import CaseNoteView

DEFAULT_TEMPLATE = "case_record.txt.j2"


class CaseRecordTemplateError(ConfigError):
    """The configured case-record template cannot be read or is not a valid Jinja2 template."""


@cache
def case_record_template(path: str = "") -> Template:
    """The case-record template: the file at ``path``, or the packaged default when it is ""."""
    env = environment()
    if not path:
        return env.get_template(DEFAULT_TEMPLATE)
    try:
        return env.from_string(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, TemplateError) as exc:
        raise CaseRecordTemplateError(
            f"the case record template {path} cannot be used: {type(exc).__name__}"
        ) from exc


def render_case_record(view: CaseNoteView, template: Template | None = None) -> str:
    """The block's text for ``view``, ending with one newline."""
    text = (template or case_record_template()).render(view=view)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines()) + "\n"
