"""ConnectWise PSA as a connector type: its settings and how to build and test it.

Cheap to import (no `requests`, no connector module until a connector is built).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from noc_console.connectors.base import Connector
from noc_console.connectors.connector_type import Build, ConnectorType, Lazy, SecretKind
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


CONNECTWISE = ConnectorType(
    key="connectwise", label="ConnectWise PSA", settings=CwSettings, build=build,
    required=("base_url", "company", "public_key", "client_id"), secret=SecretKind.PRIVATE_KEY,
    max_page_size=1000,
    default_mapping=Lazy("noc_console.connectors.connectwise.connector", "DEFAULT_MAPPING"),
    probe=Lazy("noc_console.connectors.connectwise.probe", "probe_connectwise"),
    links_tickets=True,  # a major incident's children bundled under the lead (bundle.py)
)  # fmt: skip
