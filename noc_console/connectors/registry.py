"""Every connector type the console knows, by its config `type` key.

Adding a vendor: its package under `connectors/` with a `declaration.py`, and one line
here (docs/connectors.md). Readers look types up at call time (`connector_type`,
`connector_types`), never copy the table, so a type added here (or by a test) shows up
in configuration loading, the factory, the connection test and the settings dialog.
"""

from __future__ import annotations

from typing import Any

from noc_console.connectors.alertmanager.declaration import ALERTMANAGER
from noc_console.connectors.autotask.declaration import AUTOTASK
from noc_console.connectors.connector_type import ConnectorType
from noc_console.connectors.connectwise.declaration import CONNECTWISE
from noc_console.connectors.demo.declaration import DEMO
from noc_console.connectors.halo.declaration import HALO
from noc_console.connectors.jira_service_management.declaration import JSM
from noc_console.connectors.request_tracker.declaration import RT
from noc_console.connectors.rest_json.declaration import REST_JSON
from noc_console.connectors.servicenow.declaration import SERVICENOW
from noc_console.connectors.zendesk.declaration import ZENDESK

#: Type key → declaration, in the order the settings dialog offers them.
TYPES: dict[str, ConnectorType[Any]] = {
    t.key: t
    for t in (
        DEMO,
        REST_JSON,
        RT,
        CONNECTWISE,
        AUTOTASK,
        HALO,
        SERVICENOW,
        ZENDESK,
        JSM,
        ALERTMANAGER,
    )
}


def connector_type(key: str) -> ConnectorType[Any] | None:
    return TYPES.get(key)


def connector_types() -> tuple[ConnectorType[Any], ...]:
    return tuple(TYPES.values())
