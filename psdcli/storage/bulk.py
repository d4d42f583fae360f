"""Bulk inserts that pass the rows straight to the driver's ``executemany``.

For each parameter set of an executemany, SQLAlchemy's execution context
builds and checks a parameter dictionary before it applies the bind
processors, and with RETURNING it also splits the rows into multi-row INSERT
statements. Here each INSERT is compiled once for its table, column keys and
dialect, so the per-row work is only the columns' own bind processors. The
driver receives the parameter sets in the dialect's paramstyle. The SQL comes
from SQLAlchemy's compiler, so the same code serves every dialect.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Column, Table, bindparam, insert, select
from sqlalchemy.engine import Dialect
from sqlmodel import Session

# Keys per SELECT in select_ids. Each SELECT binds at most this many values,
# far below SQLite's default maximum of 32,766 bound parameters (since SQLite
# 3.32) and PostgreSQL's 65,535.
SELECT_BATCH_SIZE = 500

BindProcessor = Callable[[Any], Any]


@dataclass(frozen=True)
class CompiledInsert:
    """An INSERT compiled for one dialect, with the row keys and bind processors.

    ``columns`` contains the row key and the bind processor (None when the
    type has none) of each parameter, in the order of the SQL. ``names``
    contains the parameter names for a named paramstyle, and is None for a
    positional one.
    """

    sql: str
    columns: tuple[tuple[str, BindProcessor | None], ...]
    names: tuple[str, ...] | None

    def parameter_sets(
        self, rows: Sequence[dict[str, Any]]
    ) -> list[tuple[Any, ...]] | list[dict[str, Any]]:
        """Convert rows into driver parameter sets, applying the bind processors.

        Raises KeyError when a row lacks a key of the first row.
        """
        # The rows are converted column by column, so that map() calls each
        # processor without a Python loop around the call.
        columns = []
        for key, process in self.columns:
            values = [row[key] for row in rows]
            columns.append(values if process is None else list(map(process, values)))
        parameter_sets = list(zip(*columns, strict=True))
        if self.names is None:
            return parameter_sets
        return [dict(zip(self.names, values, strict=True)) for values in parameter_sets]


def insert_many(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows into ``table`` with one executemany in the session's transaction.

    The keys of the first row choose the columns, as in SQLAlchemy's own
    executemany, and every row must have them. The values are stored exactly
    as ``session.execute(insert(table), rows)`` stores them.
    """
    if not rows:
        return
    connection = session.connection()
    compiled = compile_insert(table, tuple(rows[0]), connection.dialect)
    if compiled is None:
        session.execute(insert(table), rows)
        return
    # NOTE: only SQLite has executed this. For PostgreSQL with psycopg 3, a
    # test checks the compiled SQL and parameter sets, but no server ran them.
    connection.exec_driver_sql(compiled.sql, compiled.parameter_sets(rows))


@lru_cache(maxsize=64)
def compile_insert(
    table: Table, keys: tuple[str, ...], dialect: Dialect
) -> CompiledInsert | None:
    """Compile an INSERT of the columns ``keys`` into ``table`` for ``dialect``.

    Returns None when a column left out of ``keys`` has a default that is
    computed in Python. SQLAlchemy then has to compute it for each row, so
    those rows go through its own executemany.
    """
    compiler = dialect.statement_compiler(
        dialect, insert(table), column_keys=list(keys), for_executemany=True
    )
    if compiler.insert_prefetch:
        return None
    if compiler.positiontup is not None:
        order = list(compiler.positiontup)
        names = None
    else:
        order = list(compiler.bind_names.values())
        names = tuple(compiler.escaped_bind_names.get(name, name) for name in order)
    columns = []
    for name in order:
        bind = compiler.binds[name]
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        columns.append((bind.key, process))
    return CompiledInsert(compiler.string, tuple(columns), names)


def select_ids(
    session: Session,
    id_column: Column[Any],
    key_columns: Sequence[Column[Any]],
    keys: Sequence[tuple[Any, ...]],
) -> list[int]:
    """Return the ids of the rows with these unique keys, in the order of ``keys``.

    Each key must equal the value read back from ``key_columns``, which holds
    for integers and text. Raises KeyError when no row has one of the keys.
    """
    # The rows are searched by the first key column, which must be indexed,
    # and matched by the whole key here. SQLite 3.40 scans the whole index
    # for a row value IN, such as (case_id, revision) IN (VALUES ...).
    search_column = key_columns[0]
    search = bindparam("search_values", type_=search_column.type, expanding=True)
    query = select(id_column, *key_columns).where(search_column.in_(search))
    found: dict[tuple[Any, ...], int] = {}
    for start in range(0, len(keys), SELECT_BATCH_SIZE):
        values = {key[0] for key in keys[start : start + SELECT_BATCH_SIZE]}
        rows = session.execute(query, {"search_values": list(values)}).all()
        for row_id, *key in rows:
            found[tuple(key)] = int(row_id)
    return [found[key] for key in keys]
