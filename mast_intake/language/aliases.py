"""A child's name box as written: the name, and an alias given with it."""

from __future__ import annotations

import re

# "Kaiden Jones - known as KJ", "Charlie-Jay Ward (goes by CJ)", "Ella Hart aka Elz", "Tom Rae (TJ)".
_ALIAS = re.compile(
    r"^(?P<name>.+?)\s*(?:[(\[]\s*|[,;/\u2013\u2014-]\s*)?"
    r"(?:(?:also\s+)?known\s+as|k/a|a\.?k\.?a\.?|goes\s+by|prefers(?:\s+to\s+be\s+called)?|"
    r"likes\s+to\s+be\s+called|calls?\s+(?:him|her|them)sel(?:f|ves)|nickname(?:d)?|alias)"
    r"\b\s*[:\-]?\s*(?P<alias>[^)\]]+?)\s*[)\]]?\s*$"
    r"|^(?P<plain>[^()]+?)\s*\((?P<short>[^()]{1,20})\)\s*$",
    re.IGNORECASE,
)


def split_alias(text: str) -> tuple[str, str]:
    """A name field as (name, alias): the alias is what follows "known as", "aka" or a bracket."""
    text = " ".join(text.split())
    match = _ALIAS.match(text)
    if not match:
        return text, ""
    name = match.group("name") or match.group("plain")
    alias = match.group("alias") or match.group("short")
    return name.strip(" ,;/-\u2013\u2014"), alias.strip(" \"'\u201c\u201d")
