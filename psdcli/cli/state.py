"""Options shared by every command, and lazy access to the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from psdcli.storage.database import Database


@dataclass
class AppState:
    """Values of the global options, kept on the Typer context."""

    db: str | None = None
    analyst: str | None = None

    def require_analyst(self) -> str:
        """Return the acting analyst's staff id, or fail when none is set."""
        from psdcli.core.analyst import validate_analyst

        return validate_analyst(self.analyst)

    @contextmanager
    def database(self, *, create: bool = False) -> Iterator[Database]:
        """Open the database for the length of a command."""
        from psdcli.storage.database import open_database
        from psdcli.storage.location import database_url

        database = open_database(database_url(self.db), create=create)
        try:
            yield database
        finally:
            database.close()


def get_state(ctx: typer.Context) -> AppState:
    """Return the shared state stored by the root callback."""
    state = ctx.find_root().obj
    if not isinstance(state, AppState):
        state = AppState()
        ctx.find_root().obj = state
    return state
