"""`[[connectors]]` in the configuration: read and validated by each type's declaration.

An entry's `type` picks its `ConnectorType` (connectors/registry.py); its settings
dataclass says which keys the entry may hold (each with its default, description and
rule), its declaration which are required, the largest page and what else must hold.
The file keeps them flat, beside `name`, `type` and `label`. Secrets are never here:
`secret` names a keyring entry. Mapping
overrides (`[connectors.mapping]`) are checked against the normalised vocabularies so
a typo names its key instead of skipping every record at sync time; an empty value
takes a default entry out (`"2nd Line" = ""`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Generic, Protocol, TypeVar

from noc_console.connectors.connector_type import ConnectorType
from noc_console.connectors.mapping.field_mapping import REMOVABLE
from noc_console.connectors.registry import connector_type, connector_types
from noc_console.connectors.settings import ConnectorSettings, HttpFields, PsaFields
from noc_console.models.errors import ConfigError
from noc_console.models.incident import Priority, Status, Tier

NAME_MAX = 64
S = TypeVar("S", bound=ConnectorSettings)
T = TypeVar("T")


class SectionReader(Protocol):
    """Reads one table into a dataclass, checking each key's type and rule
    (`services/config._section`)."""

    def __call__(self, cls: type[T], data: Any, where: str, prefix: str) -> T: ...


def name_problem(name: str) -> str | None:
    """A name is the `source` of every incident, shown as `source:id`, and a keyring
    entry and a command-line argument by default: printable, trimmed, without `:`."""
    if not name.strip():
        return "must not be empty: it names the source of every incident"
    if len(name) > NAME_MAX:
        return f"is {len(name)} characters long; at most {NAME_MAX}"
    if not name.isprintable():
        return f"{name!r} contains control characters"
    if name != name.strip():
        return f"{name!r} has spaces at either end"
    if ":" in name:
        return f"{name!r} contains ':', which separates source and id in incident keys"
    return None


@dataclass(frozen=True, slots=True)
class ConnectorIdentity:
    """The keys every `[[connectors]]` entry has, whatever its type."""

    name: str = field(
        metadata={"doc": "Unique name; the source of its incidents.", "check": name_problem}
    )
    type: str = field(metadata={"doc": "The connector type (connectors/registry.py)."})
    label: str = field(default="", metadata={"doc": "Name shown on screens (default: name)."})


@dataclass(frozen=True, slots=True)
class ConnectorConfig(ConnectorIdentity, Generic[S]):
    """One `[[connectors]]` entry: its identity, its type's settings (flat in the file,
    beside name and type) and the overrides of the type's mapping."""

    settings: S = field(kw_only=True)
    mapping: Mapping[str, Any] = field(
        default_factory=dict,
        kw_only=True,
        metadata={"doc": "Overrides of the type's status/priority/queue mapping."},
    )

    @property
    def kind(self) -> ConnectorType[Any] | None:
        """The type's declaration (None: not a type of this version)."""
        return connector_type(self.type)

    @property
    def secret_name(self) -> str:
        """The keyring entry of this connector's secret."""
        secret = self.settings.secret if isinstance(self.settings, PsaFields) else ""
        return secret or self.name

    @property
    def base_url(self) -> str:
        return self.settings.base_url if isinstance(self.settings, HttpFields) else ""

    @property
    def pages_of(self) -> int:
        """Records per page: as configured, else the vendor's maximum (fewest requests)."""
        size = self.settings.page_size if isinstance(self.settings, PsaFields) else 0
        kind = self.kind
        return kind.pages_of(size) if kind is not None else size or 100


def new_connector(name: str, key: str, **settings: Any) -> ConnectorConfig[Any]:
    """A connector of the registered type `key` with default settings but `settings`."""
    kind = connector_type(key)
    if kind is None:
        raise KeyError(f"no connector type {key!r}")
    return ConnectorConfig(name=name, type=key, settings=kind.settings(**settings))


def retyped(config: ConnectorConfig[Any], key: str) -> ConnectorConfig[Any]:
    """`config` as type `key` (the dialog's type box): the settings both types have
    keep their values, the mapping starts over from the new type's defaults."""
    kind = connector_type(key)
    if kind is None:
        raise KeyError(f"no connector type {key!r}")
    kept = {f.name: getattr(config.settings, f.name) for f in fields(kind.settings)
            if hasattr(config.settings, f.name)}  # fmt: skip
    return replace(config, type=key, settings=kind.settings(**kept), mapping={})


def parse_connector(item: Any, where: str, key: str, section: SectionReader
                    ) -> ConnectorConfig[Any]:  # fmt: skip
    """One `[[connectors]]` table: its type's declaration says which keys it may hold,
    which are required and what else must hold; every error names the key."""
    if not isinstance(item, dict):
        raise ConfigError(where, key, "must be a table")
    kind = _kind_of(item, where, key)
    head = {f.name for f in fields(ConnectorIdentity)}
    own = {f.name for f in fields(kind.settings)}
    for name in item:
        if name not in head and name not in own and name != "mapping":
            raise ConfigError(where, f"{key}.{name}", _not_a_setting(name, kind, head | own))
    mapping = parse_mapping(item.get("mapping", {}), where, f"{key}.mapping")
    identity = section(ConnectorIdentity, {k: v for k, v in item.items() if k in head},
                       where, key)  # fmt: skip
    settings = section(kind.settings, {k: v for k, v in item.items() if k in own}, where, key)
    for name in kind.required:
        if not getattr(settings, name):
            raise ConfigError(where, f"{key}.{name}", f"is required for type {kind.key!r}")
    page_size = settings.page_size if isinstance(settings, PsaFields) else 0
    largest = kind.max_page_size
    if largest and not 0 <= page_size <= largest:
        problem = f"must be 1 to {largest} ({kind.key}'s maximum), or 0"
        raise ConfigError(where, f"{key}.page_size", problem)
    across = settings.problem()
    if across is not None:
        raise ConfigError(where, f"{key}.{across[0]}", across[1])
    return ConnectorConfig(name=identity.name, type=identity.type, label=identity.label,
                           settings=settings, mapping=mapping)  # fmt: skip


def _kind_of(item: dict[str, Any], where: str, key: str) -> ConnectorType[Any]:
    if "type" not in item:
        raise ConfigError(where, f"{key}.type", "is required")
    value = item["type"]
    if not isinstance(value, str):
        raise ConfigError(where, f"{key}.type", f"must be str, not {type(value).__name__}")
    kind = connector_type(value)
    if kind is None:
        available = ", ".join(t.key for t in connector_types())
        raise ConfigError(where, f"{key}.type", f"unknown type {value!r}; available: {available}")
    return kind


def _not_a_setting(name: str, kind: ConnectorType[Any], known: set[str]) -> str:
    """Why `name` cannot be in a connector of `kind`: another type's setting, or none."""
    owners = [t.key for t in connector_types() if name in {f.name for f in fields(t.settings)}]
    listed = ", ".join(sorted(known | {"mapping"}))
    if owners:
        return (f"is a setting of type {', '.join(owners)}, not of type {kind.key!r} "
                f"(its keys: {listed})")  # fmt: skip
    return f"unknown key (known keys: {listed})"


def parse_mapping(raw: Any, where: str, key: str) -> dict[str, Any]:
    """`[connectors.mapping]` → overrides with normalised enum values."""
    if not isinstance(raw, dict):
        raise ConfigError(where, key, "must be a table")
    vocab: dict[str, tuple[type, type | None]] = {
        "status": (str, Status), "status_out": (Status, str), "priority": (str, Priority),
        "tier": (str, Tier), "client": (str, str),
    }  # fmt: skip
    parsed: dict[str, Any] = {}
    for name, value in raw.items():
        here = f"{key}.{name}"
        if name == "default_client":
            parsed[name] = _string(value, where, here)
        elif name == "default_tier":
            parsed[name] = _enum(Tier, value, where, here)
        elif name in vocab:
            if not isinstance(value, dict):
                raise ConfigError(where, here, "must be a table of name = value")
            key_type, value_type = vocab[name]
            parsed[name] = {
                (_enum(key_type, k, where, f"{here}.{k}") if key_type is not str else str(k)):
                ("" if v == "" and name in REMOVABLE  # removes the default entry
                 else _enum(value_type, v, where, f"{here}.{k}") if value_type is not str
                 else _string(v, where, f"{here}.{k}"))
                for k, v in value.items()
            }  # fmt: skip
        else:
            known = ", ".join([*vocab, "default_client", "default_tier"])
            raise ConfigError(where, here, f"unknown key (known keys: {known})")
    return parsed


def _enum(kind: Any, value: Any, where: str, key: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ConfigError(where, key, f"is {value!r}; use one of {allowed}") from None


def _string(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(where, key, f"must be str, not {type(value).__name__}")
    return value
