"""The configuration file: declared once, typed, versioned (DESIGN.md §4).

Each option is a dataclass field with its default, a description and its allowed
values in `metadata` (services/config_rules.py); `load_config` checks types, unknown
keys and those rules and raises `ConfigError` naming the file, the key and the problem,
so the console never starts half-configured. Secrets never appear here: connectors
name keyring entries (services/secrets.py).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from noc_console.models.errors import ConfigError
from noc_console.models.shift import ShiftPlan
from noc_console.services.config_rules import field_problem, one_of
from noc_console.services.safe_file import NotASmallFile, read_small
from noc_console.services.shift_config import parse_shifts
from noc_console.services.sla_config import SlaSettings, parse_sla
from noc_console.services.sources.config import ConnectorConfig, parse_connector
from noc_console.services.wall.config import WallSettings, parse_wall

__all__ = ["Config", "ConnectorConfig", "load_config", "parse_config"]

SCHEMA_VERSION = 1
MAX_BYTES = 1024 * 1024  # a hand-written config is a few KiB
FILE_KEY = "(file)"  # the key named when the problem is the file as a whole


@dataclass(frozen=True, slots=True)
class Config:
    schema_version: int = field(default=SCHEMA_VERSION, metadata={"doc": "File format."})
    theme: str = field(
        default="dark",
        metadata={"doc": "dark, light or system.", "check": one_of("dark", "light", "system")},
    )
    allow_plaintext_secrets: bool = field(
        default=False,
        metadata={"doc": "Keep secrets in a user-only file when no secure keyring exists."},
    )
    sync_interval_s: float = field(
        default=5.0,
        metadata={
            "doc": "Seconds between incremental syncs of each connector.",
            "range": (1.0, 86_400.0),
        },
    )
    connectors: tuple[ConnectorConfig[Any], ...] = field(
        default=(), metadata={"doc": "Sources; none means the built-in demo feed."}
    )
    path: str = field(default="", metadata={"doc": "Where this was read from (not a key)."})
    sla: SlaSettings = field(
        default_factory=SlaSettings,
        metadata={"doc": "Calendars, contracts, clients, matrix, escalation (docs/sla.md)."},
    )
    wall: WallSettings = field(
        default_factory=WallSettings, metadata={"doc": "The wall display (docs/wall.md)."}
    )
    shifts: ShiftPlan = field(
        default_factory=ShiftPlan,
        metadata={"doc": "[[shifts]] and [handover] timezone (docs/handover.md)."},
    )


#: Fields filled by their own parsers, not plain values of the file.
NESTED = ("path", "connectors", "sla", "wall", "shifts", "mapping")


def load_config(path: Path | None) -> Config:
    """Read `path`; a missing file at the default location means defaults."""
    if path is None or not path.exists():
        return Config()
    return parse_config(read_config_text(path), str(path))


def read_config_text(path: Path) -> str:
    """The file's text: a regular UTF-8 file of at most `MAX_BYTES` (services/safe_file.py
    says why), else `ConfigError`."""
    where = str(path)
    try:
        data = read_small(path, MAX_BYTES)
    except NotASmallFile as exc:
        raise ConfigError(
            where, FILE_KEY, f"is {exc.strerror}; give the path of a TOML file of at most 1 MiB"
        ) from None
    except OSError as exc:
        raise ConfigError(where, FILE_KEY, f"cannot be read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            where, FILE_KEY, f"is not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None


def parse_config(text: str, where: str) -> Config:
    """The configuration in `text`, read from `where` (named in every error)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(where, FILE_KEY, f"not valid TOML: {exc}") from exc
    except RecursionError:
        raise ConfigError(where, FILE_KEY, "not valid TOML: nested too deeply") from None
    try:
        return _config(data, where)
    except ConfigError as exc:
        raise _placed(exc, text) from None


def _config(data: dict[str, Any], where: str) -> Config:
    version = data.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise ConfigError(
            where, "schema_version", f"is {version!r}; this version reads {SCHEMA_VERSION}"
        )
    sla = parse_sla(data, where)
    wall = parse_wall(data, where)
    data.pop("wall", None)
    shifts = parse_shifts(data, where)
    for table in ("sla", "clients", "priority_matrix", "escalation", "major_incident",
                  "shifts", "handover"):  # fmt: skip
        data.pop(table, None)
    raw_connectors = data.pop("connectors", [])
    if not isinstance(raw_connectors, list):
        raise ConfigError(where, "connectors", "must be an array of tables ([[connectors]])")
    connectors = tuple(
        _connector(item, where, f"connectors[{i}]") for i, item in enumerate(raw_connectors)
    )
    seen: set[str] = set()
    for i, connector in enumerate(connectors):
        if connector.name in seen:
            raise ConfigError(where, f"connectors[{i}].name", f"{connector.name!r} is used twice")
        seen.add(connector.name)
    top = _section(Config, data, where, "")
    return replace(top, connectors=connectors, path=where, sla=sla, wall=wall, shifts=shifts)


#: Keys that only mean something at the top of the file.
TOP_LEVEL_KEYS = frozenset(f.name for f in fields(Config) if f.name not in NESTED)


def _placed(error: ConfigError, text: str) -> ConfigError:
    """A top-level key written after a [table] header lands inside that table (TOML
    has no way back to the top): say so instead of what the table thinks of it."""
    table, dot, name = error.key.rpartition(".")
    if not dot or name not in TOP_LEVEL_KEYS:
        return error
    try:
        value = _value_at(tomllib.loads(text), error.key)
    except (LookupError, TypeError):
        return error
    if isinstance(value, dict):  # a table that happens to share the name: not misplaced
        return error
    return ConfigError(
        error.path, error.key, "this key belongs at the top of the file, before any "
        f"[table]; here TOML reads it as part of {table}"
    )  # fmt: skip


def _value_at(data: Any, key: str) -> Any:
    """The value at an error's key path (`connectors[0].mapping.tier.name`)."""
    for part in re.findall(r"\[(\d+)\]|([^.\[\]]+)", key):
        index, name = part
        data = data[int(index)] if index else data[name]
    return data


def _connector(item: Any, where: str, key: str) -> ConnectorConfig[Any]:
    return parse_connector(item, where, key, _section)


T = TypeVar("T")
_TYPES: dict[Any, tuple[type, ...]] = {
    "int": (int,),
    "float": (int, float),
    "str": (str,),
    "bool": (bool,),
}


def _section(cls: type[T], data: Any, where: str, prefix: str) -> T:
    if not isinstance(data, dict):
        raise ConfigError(where, prefix or FILE_KEY, "must be a table")
    declared = {f.name: f for f in fields(cls) if f.name not in NESTED}  # type: ignore[arg-type]
    for key in data:
        if key not in declared:
            known = ", ".join(sorted(declared))
            raise ConfigError(where, _join(prefix, key), f"unknown key (known keys: {known})")
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        key = _join(prefix, name)
        if name not in data:
            if spec.default is MISSING:
                raise ConfigError(where, key, "is required")
            continue
        value = data[name]
        expected = _TYPES[spec.type]
        if isinstance(value, bool) != (spec.type == "bool") or not isinstance(value, expected):
            raise ConfigError(where, key, f"must be {spec.type}, not {type(value).__name__}")
        problem = field_problem(spec, value)
        if problem is not None:
            raise ConfigError(where, key, problem)
        values[name] = value
    return cls(**values)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key
