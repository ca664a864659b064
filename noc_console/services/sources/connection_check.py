""" "Test connection": the steps a connector can prove, for the settings dialog and
`noc-console connectors test NAME`.

A type whose declaration has a `probe` (connectors/registry.py; RT: rights, time zone,
mapping) is tested by it; the others, and a connector that could not be built, by a
generic check that reads the clients and the first page of open incidents.
Given the connector's configuration, every test first says when the secret will travel
unencrypted (`allow_insecure_http` with an http:// base URL). Nothing here writes to the
source.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from noc_console.connectors.base import Check, Connector
from noc_console.connectors.errors import AuthFailed, ConnectorError
from noc_console.connectors.settings import PsaFields
from noc_console.connectors.unavailable import UnavailableConnector
from noc_console.services.sources.config import ConnectorConfig


def check_connection(connector: Connector, config: ConnectorConfig[Any]) -> Iterator[Check]:
    if insecure(config):
        yield Check(
            "transport",
            None,
            f"plain http:// allowed by allow_insecure_http = true: the secret and every "
            f"ticket travel unencrypted to {config.base_url} — use https:// outside a test lab",
        )
    kind = config.kind
    if (
        kind is not None
        and kind.probe is not None
        and not isinstance(connector, UnavailableConnector)
    ):
        yield from kind.probe()(connector)
        return
    try:
        clients = connector.clients()
    except AuthFailed as exc:
        yield Check("authenticated", False, str(exc))
        return
    except ConnectorError as exc:
        yield Check("reachable", False, str(exc))
        return
    yield Check("reachable", True, f"{len(clients)} clients listed")
    try:
        first = next(iter(connector.list_open()), None)
    except ConnectorError as exc:
        yield Check("can read incidents", False, str(exc))
        return
    count = len(first.incidents) if first is not None else 0
    yield Check("can read incidents", True, f"{count} open incidents on the first page")
    yield Check("can write", None, "not checked for this connector type")


def passed(checks: list[Check]) -> bool:
    """No step failed (steps that could not be told do not fail the test)."""
    return all(check.ok is not False for check in checks)


def insecure(config: ConnectorConfig[Any]) -> bool:
    """Whether this connector will send its secret over plain http (as it was allowed to)."""
    settings, kind = config.settings, config.kind
    return (kind is not None and kind.needs_secret and isinstance(settings, PsaFields)
            and settings.allow_insecure_http
            and settings.base_url.lower().startswith("http://"))  # fmt: skip
