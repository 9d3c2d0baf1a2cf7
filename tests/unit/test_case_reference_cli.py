"""The meeting commands take a case as MAST-<id> (or its number) and print it that way."""

from __future__ import annotations

import click
import pytest

from mast_intake.cli.meeting import CASE


@pytest.mark.parametrize("given", ["MAST-3", "mast-3", "3", 3])
def test_a_case_is_given_by_its_reference_or_number(given):
    assert CASE.convert(given, None, None) == 3


def test_a_decision_number_is_not_a_case():
    with pytest.raises(click.BadParameter):
        CASE.convert("D-3", None, None)
