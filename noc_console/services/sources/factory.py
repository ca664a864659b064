"""Configuration → connector objects, with their secrets from the keyring.

A connector whose secret is missing, or whose keyring cannot be read, becomes an
`UnavailableConnector` carrying the reason and what to do: the console starts, shows
that source offline with the reason, and syncs every other source. Vendor modules (and
`requests`) are imported only for the types configured: the demo feed starts without.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import replace

from noc_console.connectors.base import Connector
from noc_console.connectors.demo.feed import DemoFeed
from noc_console.connectors.http.settings import HttpSettings
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.unavailable import UnavailableConnector
from noc_console.models.clock import Clock
from noc_console.models.priority import PriorityMatrix
from noc_console.services.secrets import SecretStore, SecretsUnavailable
from noc_console.services.sources.config import NEEDS_SECRET, ConnectorConfig


def build_connector(
    config: ConnectorConfig,
    clock: Clock,
    matrix: PriorityMatrix,
    secrets: SecretStore,
    secret: str = "",
) -> Connector:
    """The connector `config` describes; `secret`, when given, is used instead of the
    keyring's (the settings dialog tests a secret before storing it)."""
    label = config.label or config.name
    if config.type == "demo":
        return DemoFeed(clock, seed=config.seed, matrix=matrix)
    settings = http_settings(config)
    if config.type == "rest_json":
        from noc_console.connectors.rest_json.connector import RestJsonConnector

        return RestJsonConnector(config.name, settings, label)
    if config.type in NEEDS_SECRET and not secret:
        try:
            secret = secrets.get(config.secret_name) or ""
        except SecretsUnavailable as exc:
            return UnavailableConnector(config.name, label, f"{config.name}: {exc}")
        if not secret:
            return UnavailableConnector(config.name, label, missing_secret(config))
    builder = BUILDERS.get(config.type)
    if builder is None:
        reason = f"{config.name}: connector type {config.type!r} is not available in this version"
        return UnavailableConnector(config.name, label, reason)
    return builder(config, settings, secret, label)


def _rt(config: ConnectorConfig, settings: HttpSettings, secret: str, label: str) -> Connector:
    from noc_console.connectors.request_tracker import connector as rt

    http = rt.rt_client(config.name, settings, config.auth, config.username, secret)
    options = rt.RtOptions(rt.DEFAULT_MAPPING.overridden(config.mapping), config.pages_of,
                           config.timezone, config.tier_field)  # fmt: skip
    return rt.RequestTrackerConnector(config.name, http, options, label)


def _connectwise(config: ConnectorConfig, settings: HttpSettings, secret: str, label: str
                 ) -> Connector:  # fmt: skip
    from noc_console.connectors.connectwise import connector as cw
    from noc_console.connectors.connectwise.session import ConnectWiseHttp

    http = ConnectWiseHttp(config.name, settings, config.company, config.public_key,
                           config.client_id, secret)  # fmt: skip
    options = cw.CwOptions(cw.DEFAULT_MAPPING.overridden(config.mapping), config.pages_of)
    return cw.ConnectWiseConnector(config.name, http, options, label)


def _autotask(config: ConnectorConfig, settings: HttpSettings, secret: str, label: str
              ) -> Connector:  # fmt: skip
    """base_url is the discovery host; page_size is capped at Autotask's 500."""
    from noc_console.connectors.autotask import connector as autotask
    from noc_console.connectors.autotask.session import AutotaskSession, at_client

    http = at_client(config.name, settings, config.username, config.integration_code, secret)
    options = autotask.AtOptions(autotask.DEFAULT_MAPPING.overridden(config.mapping),
                                 page_size=min(config.pages_of, autotask.MAX_RECORDS))  # fmt: skip
    return autotask.AutotaskConnector(config.name, AutotaskSession(http, config.username),
                                      options, label)  # fmt: skip


def _halo(config: ConnectorConfig, settings: HttpSettings, secret: str, label: str) -> Connector:
    from noc_console.connectors.halo import connector as halo

    rpm = config.requests_per_minute or halo.DEFAULT_REQUESTS_PER_MINUTE  # Halo publishes none
    settings = replace(settings, requests_per_minute=rpm)
    http, token = halo.halo_client(config.name, settings, config.client_id, secret, config.tenant)
    mapping = halo.DEFAULT_MAPPING.overridden(config.mapping)
    options = halo.HaloOptions(mapping, page_size=config.pages_of)
    return halo.HaloConnector(config.name, http, token, options, label)


Builder = Callable[[ConnectorConfig, HttpSettings, str, str], Connector]
#: Connector type → builder(config, http settings, secret, label), for types with secrets.
BUILDERS: dict[str, Builder] = {
    "rt": _rt,
    "connectwise": _connectwise,
    "autotask": _autotask,
    "halo": _halo,
}
#: Connector type → the module whose DEFAULT_MAPPING it starts from.
MAPPING_MODULES: dict[str, str] = {
    "rt": "noc_console.connectors.request_tracker.connector",
    "connectwise": "noc_console.connectors.connectwise.connector",
    "autotask": "noc_console.connectors.autotask.connector",
    "halo": "noc_console.connectors.halo.connector",
}


def http_settings(config: ConnectorConfig) -> HttpSettings:
    return HttpSettings(
        config.base_url,
        read_timeout=config.timeout_s,
        requests_per_minute=config.requests_per_minute,
        ca_bundle=config.ca_bundle,
        allow_insecure_http=config.allow_insecure_http,
    )


def missing_secret(config: ConnectorConfig) -> str:
    return (
        f"{config.name}: no secret in the keyring (entry {config.secret_name!r}); store it "
        f"with `noc-console connectors set-secret {config.name}` or in Settings → Connectors"
    )


def default_mapping(connector_type: str) -> FieldMapping | None:
    """The mapping a type starts from (None: the type's records need no mapping)."""
    module = MAPPING_MODULES.get(connector_type)
    if module is None:
        return None
    mapping: FieldMapping = importlib.import_module(module).DEFAULT_MAPPING
    return mapping
