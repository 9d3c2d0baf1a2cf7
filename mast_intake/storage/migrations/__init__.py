"""The Alembic environment and revisions for the storage tables, run by ``storage.schema``."""
