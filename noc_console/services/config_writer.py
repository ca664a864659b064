"""Writing `[[connectors]]` back to the configuration file, keeping everything else.

The settings dialog edits connectors; the user's file may hold comments, SLA
contracts and wall pages written by hand. `tomlkit` rewrites only the connectors
array and keeps the rest byte for byte. Only values that differ from a field's default
are written, so the file stays short. The new text is validated with `load_config`
before it replaces the file (atomically), so a save can never leave a config the
console would refuse to start with. Secrets are never written here.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import MISSING, fields, replace
from enum import Enum
from pathlib import Path
from typing import Any

import tomlkit

from noc_console.models.errors import ConfigError
from noc_console.services.config import Config, load_config
from noc_console.services.connector_config import ConnectorConfig


def save_connectors(path: Path, connectors: Sequence[ConnectorConfig]) -> Config:
    """Replace the connectors in `path` (created if missing); return the new config."""
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        document = tomlkit.parse(text)
    except (OSError, tomlkit.exceptions.ParseError) as exc:
        raise ConfigError(str(path), "(file)", f"cannot be read: {exc}") from None
    if "connectors" in document:
        del document["connectors"]
    if connectors:
        array = tomlkit.aot()
        for connector in connectors:
            array.append(_table(connector))
        document["connectors"] = array
    new_text = tomlkit.dumps(document)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(new_text)
        config = load_config(temp)  # refuses what the console would refuse
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return replace(config, path=str(path))


def _table(connector: ConnectorConfig) -> Any:
    table = tomlkit.table()
    for spec in fields(ConnectorConfig):
        value = getattr(connector, spec.name)
        if spec.name == "mapping":
            continue
        required = spec.default is MISSING and spec.default_factory is MISSING
        if required or value != spec.default:
            table[spec.name] = value
    if connector.mapping:
        table["mapping"] = _plain(connector.mapping)
    return table


def _plain(value: Any) -> Any:
    """Enums and mappings as TOML-ready strings and dicts."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {(_plain(k)): _plain(v) for k, v in value.items()}
    return value
