"""Alembic environment: runs migrations on the connection the caller hands over."""

from __future__ import annotations

from alembic import context

from samvard.models import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through samvard.core.migrate")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
