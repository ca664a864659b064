"""Upgrades of the configuration file from one schema version to the next.

`UPGRADES[n]` turns a version-`n` file into a version-`n + 1` one (napari's
`settings/_migrations.py` and Picard's `config_upgrade.py` keep the same kind of
table). Loading runs the steps from the file's version up to `SCHEMA_VERSION` on the
parsed data, in memory: the file on disk changes only when the console writes it
(Settings → Connectors saves upgrade it, comments kept: `sources/config_writer.py`).
A file without `schema_version` is version 1 (every file before version 2 existed);
one newer than this program knows is refused. A step that moves a key says so
(`Moved`), so an error in a version-1 file still names the key as the user wrote it.

The steps work on any mutable mapping: the plain dicts of `tomllib` when reading, the
`tomlkit` document (which keeps comments and layout) when writing.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from noc_console.services.config_reader import Problem
from noc_console.services.config_rules import number_problem

SCHEMA_VERSION = 2
FIRST_VERSION = 1

Table = MutableMapping[str, Any]
TableFactory = Callable[[], Table]


@dataclass(frozen=True, slots=True)
class Moved:
    """The key at dotted path `old` now lives at `new`."""

    old: str
    new: str

    def as_written(self, key: str) -> str | None:
        """`key` (a path in the upgraded file) as it is written in the old file, or
        None when it is not under the moved key."""
        if key == self.new or key.startswith((f"{self.new}.", f"{self.new}[")):
            return self.old + key[len(self.new) :]
        return None


@dataclass(frozen=True, slots=True)
class Upgrade:
    """One step: the keys it moves, and why (shown in docs/configuration.md)."""

    why: str
    moves: tuple[Moved, ...]


UPGRADES: dict[int, Upgrade] = {
    1: Upgrade(
        why="Clients' SLA terms sat in a top-level [clients.<id>] table, apart from the "
        "contracts and calendars they name, under a name that promised every client "
        "setting; version 2 keeps them with the rest of the SLA, in [sla.clients.<id>].",
        moves=(Moved("clients", "sla.clients"),),
    ),
}


def upgrade(data: Table, new_table: TableFactory = dict) -> tuple[int, list[Moved]]:
    """Upgrade `data` in place to `SCHEMA_VERSION`; the version it had and the keys
    moved. `Problem` for a version that is not one, or newer than this program's."""
    version = data.get("schema_version", FIRST_VERSION)
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise Problem(
            "schema_version", f"is {version}, newer than this noc-console knows; this "
            f"version reads {FIRST_VERSION} to {SCHEMA_VERSION}: upgrade noc-console"
        )  # fmt: skip
    problem = number_problem(version, FIRST_VERSION, SCHEMA_VERSION, whole=True)
    if problem is not None:
        raise Problem("schema_version", problem)
    moved: list[Moved] = []
    for step in range(version, SCHEMA_VERSION):
        for move in UPGRADES[step].moves:
            if _move(data, move, new_table):
                moved.append(move)
    if data.get("schema_version") != SCHEMA_VERSION:  # (an equal value keeps its comment)
        data["schema_version"] = SCHEMA_VERSION
    return version, moved


def retired(key: str) -> str | None:
    """What a current file should say instead of `key`, a key some step moved."""
    for step, change in UPGRADES.items():
        for move in change.moves:
            if key == move.old:
                return f"is {move.new} since schema version {step + 1} (docs/configuration.md)"
    return None


def _move(data: Table, move: Moved, new_table: TableFactory) -> bool:
    *old_parents, old_name = move.old.split(".")
    source = _table_at(data, old_parents, new_table=None)
    if source is None or old_name not in source:
        return False
    *new_parents, new_name = move.new.split(".")
    target = _table_at(data, new_parents, new_table)
    if target is None:
        return False
    if new_name in target:
        raise Problem(move.old, f"is also written as {move.new}; keep only {move.new}")
    target[new_name] = source.pop(old_name)
    return True


def _table_at(data: Table, path: list[str], new_table: TableFactory | None) -> Table | None:
    """The table at `path`, made (with `new_table`) where missing; `Problem` where a
    value that is not a table is in the way."""
    table = data
    for depth, name in enumerate(path):
        if name not in table:
            if new_table is None:
                return None
            table[name] = new_table()
        found = table[name]
        if not isinstance(found, MutableMapping):
            raise Problem(".".join(path[: depth + 1]), "must be a table")
        table = found
    return table
