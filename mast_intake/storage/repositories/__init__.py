"""Repositories: the only code that reads and writes the stored rows, one module per aggregate.

Each repository works inside the session of the unit of work that made it and never commits:
the unit of work does. Free text is written through the unit of work's sealer and read back
through the repository's accessors (``record``, ``findings``, ``subject`` ...), so that
encryption at rest needs changing in one place. The rules that do not need a database (name
normalisation, agenda transitions, which decision is allowed, which assessment came before) are
functions in ``mast_intake.domain``, shared with the in-memory fakes in ``tests/fakes.py``; the
repositories only call them as guards, under the row lock, where a rule protects stored data.
"""
