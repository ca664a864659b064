"""ConnectWise PSA as a connector type: its settings and how to build and test it.

Cheap to import (no `requests`, no connector module until a connector is built).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from noc_console.connectors.base import Check, Connector
from noc_console.connectors.connector_type import Build, ConnectorType, SecretKind
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.settings import PsaFields, http_settings


@dataclass(frozen=True, slots=True)
class CwSettings(PsaFields):
    company: str = field(default="", metadata={"doc": "The company id you log in with."})
    public_key: str = field(default="", metadata={"doc": "The API member's public key."})
    client_id: str = field(default="", metadata={"doc": "clientId (developer.connectwise.com)."})


def build(b: Build[CwSettings]) -> Connector:
    from noc_console.connectors.connectwise import connector as cw
    from noc_console.connectors.connectwise.session import ConnectWiseHttp

    s = b.settings
    http = ConnectWiseHttp(b.name, http_settings(s), s.company, s.public_key, s.client_id,
                           b.secret)  # fmt: skip
    options = cw.CwOptions(cw.DEFAULT_MAPPING.overridden(b.mapping),
                           CONNECTWISE.pages_of(s.page_size))  # fmt: skip
    return cw.ConnectWiseConnector(b.name, http, options, b.label)


def probe(connector: Connector) -> Iterator[Check]:
    from noc_console.connectors.connectwise.connector import ConnectWiseConnector
    from noc_console.connectors.connectwise.probe import probe_connectwise

    if not isinstance(connector, ConnectWiseConnector):
        raise TypeError(f"not a ConnectWise connector: {connector!r}")
    return probe_connectwise(connector)


def default_mapping() -> FieldMapping:
    from noc_console.connectors.connectwise.connector import DEFAULT_MAPPING

    return DEFAULT_MAPPING


CONNECTWISE = ConnectorType(
    key="connectwise",
    label="ConnectWise PSA",
    settings=CwSettings,
    build=build,
    required=("base_url", "company", "public_key", "client_id"),
    secret=SecretKind.PRIVATE_KEY,
    max_page_size=1000,
    default_mapping=default_mapping,
    probe=probe,
)
