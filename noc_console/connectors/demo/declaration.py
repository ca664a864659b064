"""The demo feed as a connector type: a seed and a speed, no network."""

from __future__ import annotations

from dataclasses import dataclass, field

from noc_console.connectors.base import Connector
from noc_console.connectors.connector_type import Build, ConnectorType
from noc_console.connectors.settings import ConnectorSettings


@dataclass(frozen=True, slots=True)
class DemoSettings(ConnectorSettings):
    seed: int = field(
        default=7, metadata={"doc": "Random seed of the simulation.", "label": "Random seed"}
    )
    speed: float = field(
        default=1.0,
        metadata={"doc": "Simulated seconds per second.", "range": (0.1, 3600.0),
                  "label": "Simulated seconds per second"},
    )  # fmt: skip


def build(b: Build[DemoSettings]) -> Connector:
    from noc_console.connectors.demo.feed import DemoFeed

    return DemoFeed(b.clock, seed=b.settings.seed, matrix=b.matrix)


DEMO = ConnectorType(key="demo", label="Demo feed", settings=DemoSettings, build=build)
