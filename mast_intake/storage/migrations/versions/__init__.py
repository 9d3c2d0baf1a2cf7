"""Alembic revisions (a package so that installs from a wheel include them)."""
