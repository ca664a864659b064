"""Assembling the engine from configuration: clock, store, connectors, sync engine.

Shared by the GUI and the headless commands so both see the same sources the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from noc_console.connectors.base import Connector
from noc_console.connectors.demo.declaration import DemoSettings
from noc_console.models.cache.database import is_shared
from noc_console.models.cache.store import Store
from noc_console.models.clock import Clock, ScaledClock, SystemClock
from noc_console.paths import secrets_file
from noc_console.services.board.feed import BoardFeed
from noc_console.services.config import Config, ConnectorConfig
from noc_console.services.engine import SyncEngine
from noc_console.services.forecast.service import ForecastService
from noc_console.services.secrets import SecretStore
from noc_console.services.sources.rebuild import ConnectorBuilder
from noc_console.services.team.spool import DeskSpool, spool_file
from noc_console.services.team.spool_drain import SpoolDrainer

DEMO_CONNECTOR = ConnectorConfig(name="demo", type="demo", settings=DemoSettings())


@dataclass(frozen=True, slots=True)
class Runtime:
    clock: Clock
    store: Store
    connectors: Sequence[Connector]
    engine: SyncEngine
    feed: BoardFeed
    demo: bool

    def close(self) -> None:
        self.engine.stop()
        self.store.close()


def connector_configs(config: Config, demo: bool) -> tuple[ConnectorConfig[Any], ...]:
    """The sources to run: the configured ones, or the demo feed when asked or none."""
    if demo or not config.connectors:
        demo_configs = tuple(c for c in config.connectors if c.type == "demo")
        return demo_configs or (DEMO_CONNECTOR,)
    return config.connectors


def build_runtime(
    config: Config,
    db_url: str,
    demo: bool = False,
    clock: Clock | None = None,
    defer_connectors: bool = False,
    connectors: bool | None = None,
    desk: Path | None = None,
) -> Runtime:
    """The store and the engine. With `defer_connectors` (the GUI), each configured
    source but the demo feed is built when its sync first runs, not now: the board shows
    the cache without importing any vendor module, `requests` or the keyring first (see
    `sources/deferred.py`). With `connectors` False (the default on a team's shared
    database, where only `noc-console serve` runs them) the engine runs none: actions go
    to the shared outbox for the service to deliver — through a desk spool in `desk`
    (the GUI gives its data folder), which keeps them while the database cannot be
    reached (`services/team/spool.py`)."""
    if connectors is None:
        connectors = not is_shared(db_url)
    configs = connector_configs(config, demo) if connectors else ()
    speeds = {c.settings.speed for c in configs if isinstance(c.settings, DemoSettings)}
    if clock is None:
        speed = max(speeds) if speeds else 1.0
        clock = SystemClock() if speed == 1.0 else ScaledClock(speed)
    # Only the writer of the incidents lays actions over them: a team console may not.
    store = Store.open(db_url, config.sla.policy, overlays=connectors or not is_shared(db_url))
    builder = ConnectorBuilder(configs, clock, config.sla.matrix, secret_store(config))
    built = builder.build_all(defer=defer_connectors)
    drainer = None
    if desk is not None and not connectors and is_shared(db_url):
        drainer = SpoolDrainer(DeskSpool(spool_file(desk, store.place)), store, clock)
    engine = SyncEngine(
        store, built, clock, interval=timedelta(seconds=config.sync_interval_s),
        rebuild=builder.rebuilt, desk=drainer,
    )  # fmt: skip
    return Runtime(
        clock=clock,
        store=store,
        connectors=built,
        engine=engine,
        feed=BoardFeed(
            store,
            built,
            drainer.status if drainer is not None else None,
            shared=is_shared(db_url),
            labels={c.name: c.label for c in config.connectors},
            forecasts=ForecastService(store, clock),
        ),
        demo=bool(configs) and all(c.type == "demo" for c in configs),
    )


def secret_store(config: Config) -> SecretStore:
    return SecretStore(config.allow_plaintext_secrets, secrets_file())
