"""Many rows through one statement, bound at the driver: the store's page writes.

SQLAlchemy's `execute(statement, rows)` builds a parameter dict per row and runs every
value through its type's processor inside its own machinery — at 1,000 incidents a
page, thirty columns each, that cost more than SQLite's insert. Here the statement is
compiled once per column set, each column's bind processor is looked up once, and the
rows go to the driver's `executemany` as tuples. The values stored are the same (the
same processors make them); dialects that bind by name take SQLAlchemy's own path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import StatementError
from sqlalchemy.sql.compiler import Compiled
from sqlalchemy.sql.dml import Insert, Update

Converter = tuple[int, Callable[[Any], Any], Any]  # position, processor, what None binds as
Prepared = tuple[str, Callable[[dict[str, Any]], Any], list[Converter]]
_compiled: dict[tuple[str, str, tuple[str, ...]], Prepared] = {}


def execute_many(
    connection: Connection, name: str, statement: Insert | Update, rows: Sequence[dict[str, Any]]
) -> None:
    """Run `statement` (known as `name`: a cache key) once for each of `rows`, which
    all have the same keys in the same order."""
    if not rows:
        return
    dialect = connection.dialect
    if dialect.paramstyle not in ("qmark", "numeric", "format"):  # positional binds only
        connection.execute(statement, list(rows))
        return
    keys = tuple(rows[0])
    cache_key = (dialect.name, name, keys)
    prepared = _compiled.get(cache_key)
    if prepared is None:
        compiled: Compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        order = list(compiled.positiontup or ())  # type: ignore[attr-defined]
        binds = compiled.binds  # type: ignore[attr-defined]
        processors = [binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in order]
        # None binds the same every time (JSON's is the text "null"): made once, not
        # per row — most of a row's times and its snapshot are None.
        converted = [(i, p, p(None)) for i, p in enumerate(processors) if p is not None]
        prepared = _compiled[cache_key] = (str(compiled), itemgetter(*order), converted)
    sql, values_of, converted = prepared
    values: list[tuple[Any, ...]] = []
    try:
        for row in rows:
            value = list(values_of(row))  # in bind order, in C; then the few to convert
            for i, convert, none in converted:
                v = value[i]
                value[i] = none if v is None else convert(v)
            values.append(tuple(value))
    except Exception as exc:  # as SQLAlchemy reports a value its type cannot bind
        raise StatementError(f"({type(exc).__module__}.{type(exc).__name__}) {exc}", sql,
                             None, exc) from exc  # fmt: skip
    connection.exec_driver_sql(sql, values)
