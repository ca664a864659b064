"""HaloPSA as a connector type: its settings and how to build and test it.

Cheap to import (no `requests`, no connector module until a connector is built).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from noc_console.connectors.base import Connector
from noc_console.connectors.connector_type import Build, ConnectorType, Lazy, SecretKind
from noc_console.connectors.settings import PsaFields, http_settings


@dataclass(frozen=True, slots=True)
class HaloSettings(PsaFields):
    client_id: str = field(default="", metadata={"doc": "OAuth client id."})
    tenant: str = field(
        default="", metadata={"doc": "Tenant name, for hosted Halo instances that need it."}
    )


def build(b: Build[HaloSettings]) -> Connector:
    from noc_console.connectors.halo import connector as halo

    s = b.settings
    rpm = s.requests_per_minute or halo.DEFAULT_REQUESTS_PER_MINUTE  # Halo publishes none
    settings = replace(http_settings(s), requests_per_minute=rpm)
    http, token = halo.halo_client(b.name, settings, s.client_id, b.secret, s.tenant)
    mapping = halo.DEFAULT_MAPPING.overridden(b.mapping)
    options = halo.HaloOptions(mapping, page_size=HALO.pages_of(s.page_size))
    return halo.HaloConnector(b.name, http, token, options, b.label)


HALO = ConnectorType(
    key="halo", label="HaloPSA", settings=HaloSettings, build=build,
    required=("base_url", "client_id"), secret=SecretKind.CLIENT_SECRET, max_page_size=100,
    default_mapping=Lazy("noc_console.connectors.halo.connector", "DEFAULT_MAPPING"),
    probe=Lazy("noc_console.connectors.halo.probe", "probe_halo"),
    links_tickets=True,  # a major incident's children become children of the lead (parent_id)
)  # fmt: skip
