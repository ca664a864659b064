"""Writing `[[connectors]]` back to the configuration file, keeping everything else.

The settings dialog edits connectors; the user's file may hold comments, SLA
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

from collections.abc import Iterable, Sequence
from dataclasses import MISSING, Field, fields
from enum import Enum
from pathlib import Path
from typing import Any

import tomlkit

from noc_console.connectors.settings import ordered_fields
from noc_console.models.errors import ConfigError
from noc_console.services.config import FILE_KEY, Config, parse_config, read_config_text
from noc_console.services.config_migrations import upgrade
from noc_console.services.config_reader import Problem
from noc_console.services.safe_file import replace_atomically
from noc_console.services.sources.config import ConnectorConfig, ConnectorIdentity


def save_connectors(path: Path, connectors: Sequence[ConnectorConfig[Any]]) -> Config:
    """Replace the connectors in `path` (created if missing); return the new config."""
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
    if "connectors" in document:
        del document["connectors"]
    if connectors:
        array = tomlkit.aot()
        for connector in connectors:
            array.append(_table(connector))
        document["connectors"] = array
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
        table["mapping"] = _plain(connector.mapping)
    return table


def _put(table: Any, values: object, specs: Iterable[Field[Any]]) -> None:
    for spec in specs:
        value = getattr(values, spec.name)
        required = spec.default is MISSING and spec.default_factory is MISSING
        if required or value != spec.default:
            table[spec.name] = value


def _plain(value: Any) -> Any:
    """Enums and mappings as TOML-ready strings and dicts."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {(_plain(k)): _plain(v) for k, v in value.items()}
    return value
