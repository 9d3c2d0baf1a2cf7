"""Child names: the matching form, and the names in a "Name / Alias / Known As" answer."""

from __future__ import annotations

import pytest

from mast_intake.domain.names import normalise_name, split_names


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("Zoë O'Fakename", "zoe ofakename"),
        ("  ZOE   ofakename ", "zoe ofakename"),
        ("Zoe O’Fakename.", "zoe ofakename"),
        ("Anne-Marie Notreal", "anne marie notreal"),
        ("Anne Marie  Notreal", "anne marie notreal"),
        ("José Ñandú", "jose nandu"),
        ("ŁUKASZ", "łukasz"),
        ("Straße", "strasse"),
        ("J.S.", "j s"),
        (" - . ", ""),
    ],
)
def test_normalise_name(written: str, normalised: str) -> None:
    assert normalise_name(written) == normalised


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("Fay Madeup", ["Fay Madeup"]),
        ("Fay Madeup / Fifi / FM", ["Fay Madeup", "Fifi", "FM"]),
        ("Fay Madeup; Fifi", ["Fay Madeup", "Fifi"]),
        ("Fay Madeup aka Fifi", ["Fay Madeup", "Fifi"]),
        ("Fay Madeup known as Fifi", ["Fay Madeup", "Fifi"]),
        ("Fay Madeup / / Fifi / Fifi", ["Fay Madeup", "Fifi"]),
        ("", []),
    ],
)
def test_split_names(field: str, names: list[str]) -> None:
    assert split_names(field) == names
