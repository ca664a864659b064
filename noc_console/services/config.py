"""The configuration file: declared once, typed, versioned (DESIGN.md §4).

Each option is a dataclass field with its default, a description and its allowed
values in `metadata`; the SLA (`sla_config.py`), shift (`shift_config.py`), wall
(`wall/config.py`), alarm (`alarms.py`) and `[me]` (`identity.py`) tables are declared
the same way beside their code, and `config_reader.py` reads them all: types, unknown
keys and rules, raising `ConfigError` naming the file, the key and the problem, so the
console never starts half-configured. An older file is upgraded in memory first
(`config_migrations.py`).
Secrets never appear here: connectors name keyring entries (services/secrets.py).
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from noc_console.models.errors import ConfigError
from noc_console.models.shift import ShiftPlan
from noc_console.services.alarms import AlarmSettings
from noc_console.services.config_migrations import SCHEMA_VERSION, Moved, retired, upgrade
from noc_console.services.config_reader import FILE_KEY, Problem, read_table
from noc_console.services.config_rules import one_of
from noc_console.services.correlation.settings import CorrelationSettings
from noc_console.services.identity import MeSettings
from noc_console.services.major_incident.comms_config import CommsSettings
from noc_console.services.metrics.report_settings import ReportSettings
from noc_console.services.safe_file import NotASmallFile, read_small
from noc_console.services.shift_config import ShiftTables, build_shift_plan
from noc_console.services.sla_config import SlaSettings, SlaTables, build_sla
from noc_console.services.sources.config import ConnectorConfig, parse_connector
from noc_console.services.team.config import TeamSettings
from noc_console.services.wall.config import WallSettings

__all__ = [
    "FILE_KEY",
    "Config",
    "ConnectorConfig",
    "load_config",
    "parse_config",
    "read_config_text",
]

MAX_BYTES = 1024 * 1024  # a hand-written config is a few KiB
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Config:
    schema_version: int = field(
        default=SCHEMA_VERSION,
        metadata={"doc": "File format; an older file is upgraded as it is read."},
    )
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
        default=(),
        metadata={"doc": "Sources; none means the built-in demo feed (docs/connectors.md).",
                  "not_a_key": True},  # read by `_connector`, below
    )  # fmt: skip
    path: str = field(
        default="", metadata={"doc": "Where this was read from (not a key).", "not_a_key": True}
    )
    sla: SlaSettings = field(
        default_factory=SlaSettings,
        metadata={"doc": "Calendars, contracts, clients, matrix, escalation (docs/sla.md).",
                  "group": SlaTables, "build": build_sla},
    )  # fmt: skip
    wall: WallSettings = field(
        default_factory=WallSettings, metadata={"doc": "The wall display (docs/wall.md)."}
    )
    alarms: AlarmSettings = field(
        default_factory=AlarmSettings, metadata={"doc": "Which alarms notify and sound."}
    )
    correlation: CorrelationSettings = field(
        default_factory=CorrelationSettings,
        metadata={"doc": "Grouping incidents that are one event (docs/board.md)."},
    )
    team: TeamSettings = field(
        default_factory=TeamSettings, metadata={"doc": "The shared database (docs/team.md)."}
    )
    me: MeSettings = field(
        default_factory=MeSettings,
        metadata={"doc": "Who sits at this console, to people and in each PSA (docs/team.md)."},
    )
    report: ReportSettings = field(
        default_factory=ReportSettings,
        metadata={"doc": "Who the client SLA reports are from (docs/metrics.md)."},
    )
    communications: CommsSettings = field(
        default_factory=CommsSettings,
        metadata={"doc": "Major incidents' client update templates (docs/major-incidents.md)."},
    )
    shifts: ShiftPlan = field(
        default_factory=ShiftPlan,
        metadata={"doc": "[[shifts]] and [handover] timezone (docs/handover.md).",
                  "group": ShiftTables, "build": build_shift_plan},
    )  # fmt: skip


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
    try:
        version, moved = upgrade(data)
    except Problem as exc:
        raise ConfigError(where, exc.key, exc.problem) from None
    if version != SCHEMA_VERSION:
        log.info("%s is schema version %d, read as version %d; saving from Settings "
                 "writes it as such", where, version, SCHEMA_VERSION)  # fmt: skip
    try:
        return _current(data, where)
    except ConfigError as exc:
        raise _as_written(exc, moved) from None


def _as_written(error: ConfigError, moved: list[Moved]) -> ConfigError:
    """The error with its key as the user's file spells it (before an upgrade moved it),
    or with where a key the upgrades moved now lives."""
    for move in moved:
        old = move.as_written(error.key)
        if old is not None:
            return ConfigError(error.path, old, error.problem)
    hint = retired(error.key) if error.problem.startswith("unknown key") else None
    return error if hint is None else ConfigError(error.path, error.key, hint)


def _current(data: dict[str, Any], where: str) -> Config:
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
    _check_identities(top.me, connectors, where)
    return replace(top, connectors=connectors, path=where)


def _check_identities(
    me: MeSettings, connectors: tuple[ConnectorConfig[Any], ...], where: str
) -> None:
    """An account for a connector this file does not configure is a typo — unless the
    file configures none (a console on a shared database names the service's sources)."""
    names = [c.name for c in connectors]
    for source in me.identities:
        if names and source not in names:
            raise ConfigError(
                where, f"me.identities.{source}",
                f"no connector named {source!r} (configured: {', '.join(names)})",
            )  # fmt: skip


#: Keys that only mean something at the top of the file.
TOP_LEVEL_KEYS = frozenset(
    f.name
    for f in fields(Config)
    if f.type in ("bool", "int", "float", "str") and not f.metadata.get("not_a_key")
)


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


def _section(cls: type[T], data: Any, where: str, prefix: str) -> T:
    return read_table(cls, data, where, prefix)
