"""Alembic environment: runs migrations on the connection psdcli passes in."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import psdcli.storage.casework_models
import psdcli.storage.models  # noqa: F401

target_metadata = SQLModel.metadata
connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through psdcli: `psdcli init`")

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=True,
    transaction_per_migration=False,
)
context.run_migrations()
