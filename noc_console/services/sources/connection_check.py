""" "Test connection": the steps a connector can prove, for the settings dialog and
`noc-console connectors test NAME`.

Connectors that know their API implement `probe()` (RT: rights, time zone, mapping);
for the others a generic check reads the clients and the first page of open incidents.
Given the connector's configuration, every test first says when the secret will travel
unencrypted (`allow_insecure_http` with an http:// base URL). Nothing here writes to the
source.
"""

from __future__ import annotations

from collections.abc import Iterator

from noc_console.connectors.base import Check, Connector
from noc_console.connectors.errors import AuthFailed, ConnectorError
from noc_console.services.sources.config import NEEDS_SECRET, ConnectorConfig


def check_connection(connector: Connector, config: ConnectorConfig | None = None
                     ) -> Iterator[Check]:  # fmt: skip
    if config is not None and insecure(config):
        yield Check(
            "transport",
            None,
            f"plain http:// allowed by allow_insecure_http = true: the secret and every "
            f"ticket travel unencrypted to {config.base_url} — use https:// outside a test lab",
        )
    probe = getattr(connector, "probe", None)
    if callable(probe):
        yield from probe()
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


def insecure(config: ConnectorConfig) -> bool:
    """Whether this connector will send its secret over plain http (as it was allowed to)."""
    return (config.type in NEEDS_SECRET and config.allow_insecure_http
            and config.base_url.lower().startswith("http://"))  # fmt: skip
