"""Connectors built from configuration that can be built again when their secret
changes — so an action refused on credentials goes by itself once the secret is fixed.

A running console keeps the connectors it started with; `connectors set-secret` or
Settings → Connectors change the keyring under it. The engine asks `rebuilt(name)`
while a connector has actions refused on credentials; only a secret that differs from
the one the connector was built with (compared by digest: this object keeps no copy)
gives a new connector.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import partial
from typing import Any

from noc_console.connectors.base import Connector
from noc_console.connectors.demo.declaration import DemoSettings
from noc_console.models.clock import Clock
from noc_console.models.priority import PriorityMatrix
from noc_console.services.secrets import SecretStore, SecretsUnavailable
from noc_console.services.sources.config import ConnectorConfig
from noc_console.services.sources.deferred import DeferredConnector
from noc_console.services.sources.factory import build_connector, label_of


class ConnectorBuilder:
    def __init__(
        self,
        configs: Sequence[ConnectorConfig[Any]],
        clock: Clock,
        matrix: PriorityMatrix,
        secrets: SecretStore,
    ) -> None:
        self._configs = {c.name: c for c in configs}
        self._clock, self._matrix, self._secrets = clock, matrix, secrets
        self._built_with: dict[str, str | None] = {}  # name → digest of its secret

    def build_all(self, defer: bool = False) -> list[Connector]:
        """Every configured connector; with `defer` (the GUI) each but the demo feed is
        a stand-in built on its first use, so neither `requests`, a vendor module nor
        the keyring is loaded before the board's first paint."""
        return [
            DeferredConnector(c.name, label_of(c), partial(self.build, c))
            if defer and not isinstance(c.settings, DemoSettings)
            else self.build(c)
            for c in self._configs.values()
        ]

    def build(self, config: ConnectorConfig[Any]) -> Connector:
        return self._build(config, self._secret(config))

    def rebuilt(self, name: str) -> Connector | None:
        """`name`'s connector built again with the keyring's secret, when that secret
        is not the one it was built with; None otherwise (or when it cannot be read)."""
        config = self._configs.get(name)
        if config is None or config.kind is None or not config.kind.needs_secret:
            return None
        secret = self._secret(config)
        if secret is None or _digest(secret) == self._built_with.get(name):
            return None
        return self._build(config, secret)

    def _build(self, config: ConnectorConfig[Any], secret: str | None) -> Connector:
        self._built_with[config.name] = None if secret is None else _digest(secret)
        return build_connector(config, self._clock, self._matrix, self._secrets, secret or "")

    def _secret(self, config: ConnectorConfig[Any]) -> str | None:
        if config.kind is None or not config.kind.needs_secret:
            return None
        try:
            return self._secrets.get(config.secret_name) or ""
        except SecretsUnavailable:
            return None  # build_connector says why, as an unavailable connector


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
