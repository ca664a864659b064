"""A connector type no module of the console knows: "Acme PSA", declared here only.

Registered by a test (`register`), it must show up wherever connector types are read —
configuration loading, the factory, the connection test, the settings dialog — which
proves `connectors/registry.py` is the one place a vendor is added. Its connector is
the JSON API's, against `tests/fakes/fake_psa.py` (real HTTP on 127.0.0.1), with the
settings and secret it was built with kept for the test to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from noc_console.connectors import registry
from noc_console.connectors.base import Check, Connector
from noc_console.connectors.connector_type import Build, ConnectorType, SecretKind
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.rest_json.connector import RestJsonConnector
from noc_console.connectors.settings import PsaFields, http_settings
from noc_console.models.incident import Status

KEY = "acme_psa"
REGION_DOC = "The Acme data centre the tenant lives in (eu, us)."
MAPPING = FieldMapping(status={"Open": Status.NEW}, status_out={Status.NEW: "Open"})


@dataclass(frozen=True, slots=True)
class AcmeSettings(PsaFields):
    region: str = field(default="", metadata={"doc": REGION_DOC, "label": "&Region"})

    def problem(self) -> tuple[str, str] | None:
        if self.region != self.region.lower():
            return "region", "must be lower case (eu, us)"
        return None


class AcmeConnector(RestJsonConnector):
    def __init__(self, b: Build[AcmeSettings]) -> None:
        super().__init__(b.name, http_settings(b.settings), b.label)
        self.settings = b.settings
        self.secret = b.secret


def build(b: Build[AcmeSettings]) -> Connector:
    return AcmeConnector(b)


def probe(connector: Connector) -> Iterator[Check]:
    assert isinstance(connector, AcmeConnector)
    clients = connector.clients()
    yield Check("acme region", True, f"{connector.settings.region}: {len(clients)} clients")


ACME = ConnectorType(
    key=KEY,
    label="Acme PSA",
    settings=AcmeSettings,
    build=build,
    required=("base_url", "region"),
    secret=SecretKind.CLIENT_SECRET,
    max_page_size=250,
    default_mapping=lambda: MAPPING,
    probe=lambda: probe,
)


def register(monkeypatch: pytest.MonkeyPatch) -> None:
    """Add Acme PSA to the registry for this test only."""
    monkeypatch.setitem(registry.TYPES, KEY, ACME)
