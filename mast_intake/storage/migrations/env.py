"""Alembic environment: runs on the connection ``storage.schema.migrate`` hands over, never a URL."""

from __future__ import annotations

from alembic import context

from mast_intake.models.rows import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with mast_intake.storage.schema.migrate(engine)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
