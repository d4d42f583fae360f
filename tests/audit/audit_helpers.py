"""Helpers for audit tests: events, raw SQL and a root command with ``audit``."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer
from sqlalchemy import insert, text

from psdcli import __version__
from psdcli.audit import chain
from psdcli.audit.log import record_event
from psdcli.audit.query import AUDIT_TABLE
from psdcli.cli import audit as audit_cli
from psdcli.cli.edge import PsdGroup
from psdcli.cli.state import AppState
from psdcli.storage import append_only
from psdcli.storage.database import Database
from psdcli.storage.models import AUDIT_OPERATIONS

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def add_events(database: Database, count: int, **values: Any) -> list[int]:
    """Record ``count`` events through record_event; return their sequences."""
    sequences = []
    with database.write_session() as session:
        for index in range(count):
            event = record_event(
                session,
                analyst=values.get("analyst", "A1234"),
                operation=values.get("operation", "consultation"),
                action=values.get("action", "case.show"),
                case_reference=values.get("case_reference", f"CS-2026-{index:06d}"),
                bundle_id=values.get("bundle_id"),
                recipient=values.get("recipient"),
                reason=values.get("reason"),
                details=values.get("details", {"revision": index}),
            )
            sequences.append(event.sequence)
    return sequences


def chained_rows(
    count: int, *, step: timedelta = timedelta(minutes=1)
) -> Iterator[dict[str, Any]]:
    """Yield ``count`` correctly chained event rows for a bulk insert.

    Event N occurs N steps after START. The events cycle through three
    analysts (A0, A1, A2), the six operations and fifty cases.
    """
    prev_hash = chain.GENESIS_HASH
    for sequence in range(1, count + 1):
        occurred_at = START + step * sequence
        fields = {
            "sequence": sequence,
            "event_id": str(uuid.UUID(int=sequence, version=4)),
            "occurred_at": chain.format_timestamp(occurred_at),
            "analyst": f"A{sequence % 3}",
            "operation": AUDIT_OPERATIONS[sequence % 6],
            "action": "case.show",
            "case_reference": f"CS-2026-{sequence % 50:06d}",
            "bundle_id": None,
            "recipient": None,
            "reason": "routine assessment",
            "details": {"revision": sequence % 4, "count": sequence},
            "tool_version": __version__,
            "prev_hash": prev_hash,
        }
        prev_hash = chain.event_hash(fields)
        yield {**fields, "occurred_at": occurred_at, "hash": prev_hash}


def bulk_insert(
    database: Database, count: int, *, step: timedelta = timedelta(minutes=1)
) -> None:
    """Append ``count`` chained events quickly, with the triggers in place."""
    rows = chained_rows(count, step=step)
    batch = 5000
    with database.write_session() as session:
        while chunk := list(itertools.islice(rows, batch)):
            session.execute(insert(AUDIT_TABLE), chunk)


def run_sql(database: Database, statement: str, **params: Any) -> None:
    """Run raw SQL in its own transaction, bypassing psdcli entirely."""
    with database.engine.begin() as connection:
        connection.execute(text(statement), params)


def drop_triggers(database: Database) -> None:
    """Remove the append-only triggers, as someone editing the file could."""
    for statement in append_only.drop_statements("sqlite"):
        run_sql(database, statement)


def make_app() -> typer.Typer:
    """Build a root command with psdcli's global options and the audit group."""
    root = typer.Typer(cls=PsdGroup, pretty_exceptions_enable=False)

    @root.callback()
    def main(
        ctx: typer.Context,
        db: Annotated[str | None, typer.Option("--db")] = None,
        analyst: Annotated[str | None, typer.Option("--analyst")] = None,
    ) -> None:
        ctx.obj = AppState(db=db, analyst=analyst)

    root.add_typer(audit_cli.app, name="audit")
    return root
