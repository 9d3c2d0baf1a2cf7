"""How settings read values from the TOML file: numbers and lists, and tables where a list belongs."""

from __future__ import annotations

from pathlib import Path

import pytest

from mast_intake.config.settings import ConfigError, load_settings


def from_toml(tmp_path: Path, text: str):
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings({}, config_file=path)


def test_numbers_and_lists_are_read(tmp_path: Path) -> None:
    settings = from_toml(tmp_path, 'poll_interval_seconds = 30\nmax_attempts = "5"\n'
                                   'trusted_authserv_ids = ["mx1.example.test"]\n'
                                   '[meeting]\nclosures = "2026-12-25, 2026-12-26"\n')
    assert settings.poll_interval_seconds == 30 and settings.max_attempts == 5
    assert settings.trusted_authserv_ids == ["mx1.example.test"]
    assert settings.meeting.closures == ["2026-12-25", "2026-12-26"]


@pytest.mark.parametrize("text", [
    "max_attempts = [3]",
    "max_attempts = 2026-01-01",
    # A table where a list belongs was once read as the list of its keys.
    "trusted_authserv_ids = { mx1 = true }",
])
def test_a_value_of_the_wrong_shape_names_the_setting(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError, match="unusable value"):
        from_toml(tmp_path, text + "\n")
