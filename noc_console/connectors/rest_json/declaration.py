"""NOC Console's own JSON API as a connector type (no secret, no vendor mapping).

Cheap to import (no `requests`, no connector module until a connector is built).
"""

from __future__ import annotations

from dataclasses import dataclass

from noc_console.connectors.base import Connector
from noc_console.connectors.connector_type import Build, ConnectorType
from noc_console.connectors.settings import HttpFields, http_settings


@dataclass(frozen=True, slots=True)
class RestJsonSettings(HttpFields):
    """The common HTTP fields only: the API serves its own page size and needs no secret."""


def build(b: Build[RestJsonSettings]) -> Connector:
    from noc_console.connectors.rest_json.connector import RestJsonConnector

    return RestJsonConnector(b.name, http_settings(b.settings), b.label)


REST_JSON = ConnectorType(
    key="rest_json",
    label="NOC Console JSON API",
    settings=RestJsonSettings,
    build=build,
    required=("base_url",),
)
