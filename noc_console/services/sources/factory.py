"""Configuration → connector objects, with their secrets from the keyring.

A connector whose secret is missing, or whose keyring cannot be read, becomes an
`UnavailableConnector` carrying the reason and what to do: the console starts, shows
that source offline with the reason, and syncs every other source. The type's
declaration (connectors/registry.py) builds it; vendor modules (and `requests`) are
imported only for the types configured: the demo feed starts without.
"""

from __future__ import annotations

from typing import Any

from noc_console.connectors.base import Connector
from noc_console.connectors.connector_type import Build
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.registry import connector_type
from noc_console.connectors.unavailable import UnavailableConnector
from noc_console.models.clock import Clock
from noc_console.models.priority import PriorityMatrix
from noc_console.services.secrets import SecretStore, SecretsUnavailable
from noc_console.services.sources.config import ConnectorConfig


def build_connector(
    config: ConnectorConfig[Any],
    clock: Clock,
    matrix: PriorityMatrix,
    secrets: SecretStore,
    secret: str = "",
) -> Connector:
    """The connector `config` describes; `secret`, when given, is used instead of the
    keyring's (the settings dialog tests a secret before storing it)."""
    label = label_of(config)
    kind = config.kind
    if kind is None:
        reason = f"{config.name}: connector type {config.type!r} is not available in this version"
        return UnavailableConnector(config.name, label, reason)
    if kind.needs_secret and not secret:
        try:
            secret = secrets.get(config.secret_name) or ""
        except SecretsUnavailable as exc:
            return UnavailableConnector(config.name, label, f"{config.name}: {exc}")
        if not secret:
            return UnavailableConnector(config.name, label, missing_secret(config))
    build = Build(config.name, label, config.settings, config.mapping, secret, clock, matrix)
    return kind.build(build)


def label_of(config: ConnectorConfig[Any]) -> str:
    """What the connector built from `config` calls itself (demo feeds aside)."""
    return config.label or config.name


def missing_secret(config: ConnectorConfig[Any]) -> str:
    return (
        f"{config.name}: no secret in the keyring (entry {config.secret_name!r}); store it "
        f"with `noc-console connectors set-secret {config.name}` or in Settings → Connectors"
    )


def default_mapping(key: str) -> FieldMapping | None:
    """The mapping a type starts from (None: the type's records need no mapping)."""
    kind = connector_type(key)
    if kind is None or kind.default_mapping is None:
        return None
    return kind.default_mapping()
