""" "Test connection": the steps a connector can prove, for the settings dialog and
`noc-console connectors test NAME`.

Connectors that know their API implement `probe()` (RT: rights, time zone, mapping);
for the others a generic check reads the clients and the first page of open incidents.
Nothing here writes to the source.
"""

from __future__ import annotations

from collections.abc import Iterator

from noc_console.connectors.base import Check, Connector
from noc_console.connectors.errors import AuthFailed, ConnectorError


def check_connection(connector: Connector) -> Iterator[Check]:
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
