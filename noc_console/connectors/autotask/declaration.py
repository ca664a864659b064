"""Autotask PSA as a connector type: its settings and how to build and test it.

Cheap to import (no `requests`, no connector module until a connector is built).
`base_url` is the discovery host; the page size is capped at Autotask's 500.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from noc_console.connectors.base import Connector
from noc_console.connectors.connector_type import Build, ConnectorType, Lazy, SecretKind
from noc_console.connectors.settings import PsaFields, http_settings


@dataclass(frozen=True, slots=True)
class AtSettings(PsaFields):
    username: str = field(
        default="", metadata={"doc": "The API-only user's user name.", "label": "User na&me"}
    )
    integration_code: str = field(
        default="", metadata={"doc": "The API tracking identifier (ApiIntegrationCode)."}
    )


def build(b: Build[AtSettings]) -> Connector:
    from noc_console.connectors.autotask import connector as autotask
    from noc_console.connectors.autotask.session import AutotaskSession, at_client

    s = b.settings
    http = at_client(b.name, http_settings(s), s.username, s.integration_code, b.secret)
    options = autotask.AtOptions(autotask.DEFAULT_MAPPING.overridden(b.mapping),
                                 page_size=min(AUTOTASK.pages_of(s.page_size),
                                               autotask.MAX_RECORDS))  # fmt: skip
    return autotask.AutotaskConnector(b.name, AutotaskSession(http, s.username), options,
                                      b.label)  # fmt: skip


AUTOTASK = ConnectorType(
    key="autotask", label="Autotask PSA", settings=AtSettings, build=build,
    required=("base_url", "username", "integration_code"), secret=SecretKind.PASSWORD,
    max_page_size=500,
    default_mapping=Lazy("noc_console.connectors.autotask.connector", "DEFAULT_MAPPING"),
    probe=Lazy("noc_console.connectors.autotask.probe", "probe_autotask"),
    links_tickets=True,  # an Incident child → the lead Problem ticket (problem_link.py)
)  # fmt: skip
