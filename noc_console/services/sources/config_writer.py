"""Writing settings back to the configuration file, keeping everything else.

The settings dialog edits connectors (`save_connectors`) and the appearance, alarm,
wall and shift tables (`save_settings`); the user's file may hold comments, SLA
contracts and wall pages written by hand. `tomlkit` rewrites only the connectors
array and keeps the rest byte for byte — except that an older file is upgraded to the
current schema version on the way (`config_migrations.py`: moved tables keep their
comments) and says so in `schema_version`. Only values that differ from a field's default
are written, so the file stays short. The new text is validated with `parse_config`
before it replaces the file (atomically, through a symbolic link to its target:
services/safe_file.py), so a save can never leave a config the console would
refuse to start with. Secrets are never written here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import MISSING, Field, fields, is_dataclass
from datetime import time, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

import tomlkit

from noc_console.connectors.settings import ordered_fields
from noc_console.models.errors import ConfigError
from noc_console.services.config import FILE_KEY, Config, parse_config, read_config_text
from noc_console.services.config_migrations import upgrade
from noc_console.services.config_reader import Problem
from noc_console.services.config_rules import duration_text
from noc_console.services.safe_file import replace_atomically
from noc_console.services.sources.config import ConnectorConfig, ConnectorIdentity


def save_connectors(path: Path, connectors: Sequence[ConnectorConfig[Any]]) -> Config:
    """Replace the connectors in `path` (created if missing); return the new config."""

    def edit(document: Any) -> None:
        if "connectors" in document:
            del document["connectors"]
        if connectors:
            array = tomlkit.aot()
            for connector in connectors:
                array.append(_table(connector))
            document["connectors"] = array

    return _rewrite(path, edit)


def save_settings(path: Path, settings: Mapping[str, Any]) -> Config:
    """Write top-level keys (`theme`) and tables (`alarms`, `wall`, `handover`,
    `communications`: a declared dataclass each, or a mapping of keys to values — None
    removes a key, a mapping is the whole sub-table, e.g. `communications.templates`;
    `shifts`: a tuple of dataclasses or of mappings, or None for the default plan)
    into `path`, key by key, so the comments beside untouched keys stay and a value
    written as it already was is left byte for byte; a key set back to its default is
    removed. Refused — `ConfigError` naming the key — whenever the console would refuse
    the result."""

    def edit(document: Any) -> None:
        for key, value in settings.items():
            if isinstance(value, Mapping):  # a table's keys as a form has them: None drops
                table = document.get(key)
                if table is None:
                    table = document[key] = tomlkit.table()
                for name, item in value.items():
                    if item is None:
                        table.pop(name, None)
                    else:
                        _set(table, name, item)
                if not table:
                    del document[key]
            elif is_dataclass(value):
                table = document.get(key)
                if table is None:
                    table = document[key] = tomlkit.table()
                _put(table, value, fields(value), drop_defaults=True)
                if not table:
                    del document[key]
            elif isinstance(value, tuple) and value and not isinstance(value[0], str):
                array = tomlkit.aot()
                for item in value:
                    row = tomlkit.table()
                    if isinstance(item, Mapping):
                        row.update({k: toml_value(v) for k, v in item.items()})
                    else:
                        _put(row, item, fields(item))
                    array.append(row)
                if _written(document, key) != array.unwrap():
                    document[key] = array
            elif value is None:
                document.pop(key, None)
            else:
                _set(document, key, value)

    return _rewrite(path, edit)


def _rewrite(path: Path, edit: Callable[[Any], None]) -> Config:
    """Read `path` (created if missing), upgrade it, `edit` the document, check the new
    text as the console would read it, and replace the file atomically."""
    where = str(path)
    text = read_config_text(path) if path.exists() else ""
    try:
        document = tomlkit.parse(text)
    except (tomlkit.exceptions.ParseError, RecursionError) as exc:
        raise ConfigError(where, FILE_KEY, f"not valid TOML: {exc}") from None
    try:
        upgrade(document, lambda: tomlkit.table(is_super_table=True))
    except Problem as exc:
        raise ConfigError(where, exc.key, exc.problem) from None
    edit(document)
    new_text = tomlkit.dumps(document)
    config = parse_config(new_text, where)  # refuses what the console would refuse
    try:
        replace_atomically(path, new_text.encode("utf-8"))
    except OSError as exc:
        raise ConfigError(where, FILE_KEY, f"cannot be written: {exc.strerror or exc}") from None
    return config


def _table(connector: ConnectorConfig[Any]) -> Any:
    """name, type and label, then the type's settings flat beside them, then the mapping."""
    table = tomlkit.table()
    _put(table, connector, fields(ConnectorIdentity))
    _put(table, connector.settings, ordered_fields(type(connector.settings)))
    if connector.mapping:
        table["mapping"] = toml_value(connector.mapping)
    return table


def _put(
    table: Any, values: object, specs: Iterable[Field[Any]], drop_defaults: bool = False
) -> None:
    """The fields that differ from their defaults, as TOML; with `drop_defaults`, a key
    whose value is back to its default goes (others are left as written)."""
    for spec in specs:
        if spec.metadata.get("not_a_key"):
            continue
        value = getattr(values, spec.name)
        required = spec.default is MISSING and spec.default_factory is MISSING
        default = spec.default_factory() if spec.default_factory is not MISSING else spec.default
        if required or value != default:
            _set(table, spec.name, value)
        elif drop_defaults and spec.name in table:
            del table[spec.name]


def _set(table: Any, name: str, value: Any) -> None:
    """`table[name] = value` as the reader reads it, touching only what differs: a value
    the file already holds stays as written (its quotes, its comment), and a mapping is
    the whole sub-table, edited key by key so the comments among its keys stay."""
    value = toml_value(value)
    if _written(table, name) == value:
        return
    existing = table.get(name)
    if isinstance(value, dict) and isinstance(existing, dict):  # tomlkit tables are dicts
        for gone in [key for key in existing if key not in value]:
            del existing[gone]
        for key, item in value.items():
            _set(existing, key, item)
    else:
        table[name] = value


def _written(table: Any, name: str) -> Any:
    """What the file holds at `name`, as plain Python (None: nothing)."""
    item = table.get(name)
    return item.unwrap() if hasattr(item, "unwrap") else item


def toml_value(value: Any) -> Any:
    """Enums, durations, times of day, arrays and mappings as the reader reads them."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {(toml_value(k)): toml_value(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [toml_value(item) for item in value]
    if isinstance(value, timedelta):
        return duration_text(value)
    if isinstance(value, time):
        return f"{value:%H:%M}"
    return value
