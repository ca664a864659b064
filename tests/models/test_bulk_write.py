"""The store's page writes bind at the driver: the values stored must be the very ones
SQLAlchemy's own `execute` stores (None included: a JSON column stores the text null)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, create_engine, insert
from sqlalchemy.exc import StatementError
from sqlalchemy.types import JSON

from noc_console.models.cache.bulk_write import execute_many
from noc_console.models.cache.schema import UtcDateTime

ROWS: list[dict[str, Any]] = [
    {"id": 1, "name": "a", "at": datetime(2026, 11, 25, 14, tzinfo=UTC), "flag": True,
     "doc": {"x": [1, "é"]}, "none_doc": None},
    {"id": 2, "name": None, "at": None, "flag": None, "doc": None, "none_doc": {"y": None}},
    {"id": 3, "name": "c", "at": datetime(2026, 3, 29, 1, 30, 0, 7, tzinfo=timezone(
        timedelta(hours=-5))), "flag": False, "doc": [], "none_doc": None},
]  # fmt: skip


def _table(metadata: MetaData, name: str) -> Table:
    return Table(
        name, metadata, Column("id", Integer, primary_key=True), Column("name", String(10)),
        Column("at", UtcDateTime), Column("flag", Boolean), Column("doc", JSON),
        Column("none_doc", JSON),
    )  # fmt: skip


def test_rows_are_stored_as_sqlalchemy_stores_them() -> None:
    engine = create_engine("sqlite://")
    metadata = MetaData()
    ours, theirs = _table(metadata, "ours"), _table(metadata, "theirs")
    metadata.create_all(engine)
    with engine.begin() as connection:
        execute_many(connection, "test ours", insert(ours), ROWS)
        connection.execute(insert(theirs), ROWS)
        stored = [
            connection.exec_driver_sql(
                f"SELECT id, name, at, typeof(at), flag, doc, typeof(doc), none_doc, "
                f"typeof(none_doc) FROM {table} ORDER BY id"
            ).all()
            for table in ("ours", "theirs")
        ]
    assert stored[0] == stored[1]
    assert stored[0][1][5:7] == ("null", "text")  # a JSON None is JSON's null, as before


def test_a_value_its_type_cannot_bind_is_reported_as_sqlalchemy_does() -> None:
    engine = create_engine("sqlite://")
    metadata = MetaData()
    table = _table(metadata, "t")
    metadata.create_all(engine)
    naive = {**ROWS[0], "at": datetime(2026, 1, 1)}  # noqa: DTZ001 (the point of the test)
    with engine.begin() as connection, pytest.raises(StatementError, match="naive"):
        execute_many(connection, "test naive", insert(table), [naive])
