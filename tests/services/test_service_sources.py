"""The sources a team's sync service publishes for its consoles, and which of them link
tickets natively (services/team/service_sources.py, services/major_incident/desk.py)."""

from __future__ import annotations

from typing import Any

import pytest

from noc_console.connectors.request_tracker.declaration import RtSettings
from noc_console.connectors.rest_json.declaration import RestJsonSettings
from noc_console.models.cache.store import Store
from noc_console.services.config import ConnectorConfig
from noc_console.services.major_incident.desk import linking_types
from noc_console.services.team.service_sources import SOURCES_KEY, publish, published
from noc_console.services.team.status import BEAT_KEY

URL = "https://psa.example/api"


def test_published_sources_round_trip_beside_the_heartbeat(store: Store) -> None:
    store.set_meta(BEAT_KEY, "{}")
    connectors: list[ConnectorConfig[Any]] = [
        ConnectorConfig(name="tickets", type="rt", settings=RtSettings(base_url=URL)),
        ConnectorConfig(name="psa", type="rest_json", settings=RestJsonSettings(base_url=URL)),
    ]
    publish(store, connectors)
    assert published(store) == {"tickets": "rt", "psa": "rest_json"}
    assert linking_types(published(store)) == {"tickets"}
    assert store.meta(BEAT_KEY) == "{}"


@pytest.mark.parametrize(
    "text",
    ['["rt"]', "not json", '{"a": 1, "b": ["rt"]}', "null", '"rt"'],
)
def test_sources_another_process_wrote_badly_are_no_sources(store: Store, text: str) -> None:
    store.set_meta(SOURCES_KEY, text)
    assert published(store) == {}


def test_no_service_ever_published_and_unknown_types_link_nothing(store: Store) -> None:
    assert published(store) == {}
    assert linking_types({"x": "a-type-from-a-newer-version", "y": "rest_json"}) == frozenset()
