"""One settings object, read once at the entry point and passed in."""

from mast_intake.config.settings import ConfigError, Settings, load_settings

__all__ = ["ConfigError", "Settings", "load_settings"]
