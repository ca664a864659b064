"""`[[connectors]]` in the configuration: declared once, typed, validated per type.

Each field carries its default and a description; `TYPE_FIELDS` says which fields a
connector type uses (the settings dialog shows exactly those) and `REQUIRED` which it
cannot do without. Secrets are never here: `secret` names a keyring entry. Mapping
overrides (`[connectors.mapping]`) are checked against the normalised vocabularies so
a typo names its key instead of skipping every record at sync time; an empty value
takes a default entry out (`"2nd Line" = ""`).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from noc_console.connectors.mapping.field_mapping import REMOVABLE
from noc_console.models.errors import ConfigError
from noc_console.models.incident import Priority, Status, Tier
from noc_console.services.config_rules import one_of

CONNECTOR_TYPES = ("demo", "rest_json", "rt", "connectwise", "autotask", "halo")
TYPE_LABELS = {
    "demo": "Demo feed",
    "rest_json": "NOC Console JSON API",
    "rt": "Request Tracker 5",
    "connectwise": "ConnectWise PSA",
    "autotask": "Autotask PSA",
    "halo": "HaloPSA",
}

#: The fields each type uses, in the order the settings dialog shows them.
TYPE_FIELDS: Mapping[str, tuple[str, ...]] = {
    "demo": ("seed", "speed"),
    "rest_json": ("base_url", "ca_bundle", "requests_per_minute", "timeout_s"),
    "rt": ("base_url", "auth", "username", "secret", "timezone", "tier_field", "ca_bundle",
           "requests_per_minute", "timeout_s", "page_size", "allow_insecure_http"),
    "connectwise": ("base_url", "company", "public_key", "client_id", "secret", "ca_bundle",
                    "requests_per_minute", "timeout_s", "page_size", "allow_insecure_http"),
    "autotask": ("base_url", "username", "integration_code", "secret", "ca_bundle",
                 "requests_per_minute", "timeout_s", "page_size", "allow_insecure_http"),
    "halo": ("base_url", "client_id", "secret", "tenant", "ca_bundle", "requests_per_minute",
             "timeout_s", "page_size", "allow_insecure_http"),
}  # fmt: skip
REQUIRED: Mapping[str, tuple[str, ...]] = {
    "rest_json": ("base_url",),
    "rt": ("base_url",),
    "connectwise": ("base_url", "company", "public_key", "client_id"),
    "autotask": ("base_url", "username", "integration_code"),
    "halo": ("base_url", "client_id"),
}
#: Each vendor's largest page: a full sync takes the fewest requests at these sizes.
PAGE_SIZES: Mapping[str, int] = {"rt": 100, "connectwise": 1000, "autotask": 500, "halo": 100}
#: Types that need a secret in the keyring.
NEEDS_SECRET = frozenset({"rt", "connectwise", "autotask", "halo"})
NAME_MAX = 64


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


def url_problem(url: str) -> str | None:
    """Why `url` cannot be an API's base URL (http or https, a host, a valid port, no
    credentials), or None; "" is checked by `REQUIRED`."""
    if not url:
        return None
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return "must not contain spaces or control characters"
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"is not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "must be an http(s) URL, like https://psa.example.com/api"
    if parts.username is not None or parts.password is not None:
        return "must not carry a user name or password: store the secret in the keyring"
    host = parts.hostname or ""
    if not host:
        return "has no host"
    if ":" in host:  # an IPv6 literal, [::1]
        try:
            ipaddress.IPv6Address(host.partition("%")[0])
        except ValueError:
            return f"{host!r} is not an IPv6 address"
    elif not re.fullmatch(r"[\w-]+(\.[\w-]+)*\.?", host):
        return f"{host!r} is not a host name"
    try:
        port = parts.port
    except ValueError as exc:
        return f"has an invalid port ({exc}); use 1 to 65535"
    if port == 0:
        return "has port 0; use 1 to 65535"
    return None


def file_problem(path: str) -> str | None:
    """Why `path` is not a readable file (checked now, not at the first request)."""
    if not path:
        return None
    try:
        if not Path(path).exists():
            return f"{path} does not exist"
        if not Path(path).is_file():
            return f"{path} is not a file; give a PEM file of CA certificates"
    except (OSError, ValueError) as exc:
        return f"{path!r} is not a usable path ({exc})"
    if not os.access(path, os.R_OK):
        return f"{path} cannot be read"
    return None


def zone_problem(zone: str) -> str | None:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return f"{zone!r} is not an IANA time zone"
    return None


@dataclass(frozen=True, slots=True)
class ConnectorConfig:
    name: str = field(
        metadata={"doc": "Unique name; the source of its incidents.", "check": name_problem}
    )
    type: str = field(metadata={"doc": f"One of: {', '.join(CONNECTOR_TYPES)}."})
    label: str = field(default="", metadata={"doc": "Name shown on screens (default: name)."})
    base_url: str = field(
        default="",
        metadata={
            "doc": "The API's base URL (RT: https://rt.example.com/REST/2.0).",
            "check": url_problem,
        },
    )
    auth: str = field(
        default="token", metadata={"doc": "rt: token or basic.", "check": one_of("token", "basic")}
    )
    username: str = field(default="", metadata={"doc": "rt: user name for basic auth."})
    secret: str = field(
        default="", metadata={"doc": "Keyring entry holding the token or password (default: name)."}
    )
    company: str = field(
        default="", metadata={"doc": "connectwise: the company id you log in with."}
    )
    public_key: str = field(
        default="", metadata={"doc": "connectwise: the API member's public key."}
    )
    client_id: str = field(
        default="",
        metadata={
            "doc": "connectwise: clientId (developer.connectwise.com); halo: OAuth client id."
        },
    )
    integration_code: str = field(
        default="", metadata={"doc": "autotask: the API tracking identifier (ApiIntegrationCode)."}
    )
    tenant: str = field(
        default="", metadata={"doc": "halo: tenant name, for hosted Halo instances that need it."}
    )
    timezone: str = field(
        default="UTC",
        metadata={"doc": "rt: the API user's time zone in RT (IANA name).", "check": zone_problem},
    )
    tier_field: str = field(
        default="Tier", metadata={"doc": "rt: ticket custom field holding L1/L2/L3/ENG."}
    )
    ca_bundle: str = field(
        default="",
        metadata={
            "doc": "PEM file of a private CA to trust (TLS stays verified).",
            "check": file_problem,
        },
    )
    allow_insecure_http: bool = field(
        default=False,
        metadata={
            "doc": "Send the secret over a plain http:// base_url (a test lab only: anyone on "
            "the path can read it). Without it, http:// is refused for types with a secret."
        },
    )
    requests_per_minute: float = field(
        default=0.0,
        metadata={
            "doc": "Client-side request limit; 0: the vendor's default (none for RT and "
            "ConnectWise, 2,500/hour for Autotask, 150/minute for Halo).",
            "range": (1.0, 100_000.0),
            "zero": "the vendor's default",
        },
    )
    timeout_s: float = field(
        default=20.0, metadata={"doc": "Read timeout of each request.", "range": (0.5, 600.0)}
    )
    page_size: int = field(
        default=0,
        metadata={
            "doc": "Records per page; 0: the vendor's maximum (PAGE_SIZES).",
            "range": (1, max(PAGE_SIZES.values())),
            "zero": "the vendor's maximum",
        },
    )
    seed: int = field(default=7, metadata={"doc": "demo: random seed of the simulation."})
    speed: float = field(
        default=1.0,
        metadata={"doc": "demo: simulated seconds per second.", "range": (0.1, 3600.0)},
    )
    mapping: Mapping[str, Any] = field(
        default_factory=dict,
        metadata={"doc": "Overrides of the type's status/priority/queue mapping."},
    )

    @property
    def secret_name(self) -> str:
        return self.secret or self.name

    @property
    def pages_of(self) -> int:
        """Records per page: as configured, else the vendor's maximum (fewest requests)."""
        return self.page_size or PAGE_SIZES.get(self.type, 100)


def validate_connector(c: ConnectorConfig, where: str, key: str) -> None:
    """Checks across fields of one connector (each field's own rule was checked as it
    was read); raises `ConfigError` naming the key."""
    if c.type not in CONNECTOR_TYPES:
        raise ConfigError(
            where,
            f"{key}.type",
            f"unknown type {c.type!r}; available: {', '.join(CONNECTOR_TYPES)}",
        )
    for name in REQUIRED.get(c.type, ()):
        if not getattr(c, name):
            raise ConfigError(where, f"{key}.{name}", f"is required for type {c.type!r}")
    largest = PAGE_SIZES.get(c.type)
    if largest is not None and not 0 <= c.page_size <= largest:
        raise ConfigError(
            where, f"{key}.page_size", f"must be 1 to {largest} ({c.type}'s maximum), or 0"
        )
    if c.type == "rt" and c.auth == "basic" and not c.username:
        raise ConfigError(where, f"{key}.username", "is required with auth = basic")


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
