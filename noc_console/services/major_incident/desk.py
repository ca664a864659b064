"""The major-incident desk: what the board's M key, the banner, the wall and the alarm
ask of the engine. Every call reads or writes the store: run it off the GUI thread.

A declaration is stored with its children's notes and links in one transaction, then
each child's connector is woken to deliver them (a team console's are delivered by the
sync service, which hears the outbox change). Which children are linked natively is
decided by the connector types of the sources that deliver them: a desk's own, or the
ones a team's sync service published (`console_desk`).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping
from typing import Any

from noc_console.connectors.registry import connector_type
from noc_console.models.board_row import ChangeSet
from noc_console.models.cache.store import Store
from noc_console.models.clock import Clock
from noc_console.models.major_incident import (
    MajorIncident,
    UpdateCadence,
    UpdateClock,
    update_clocks,
)
from noc_console.services.config import Config
from noc_console.services.identity import Identity
from noc_console.services.major_incident.declare import Declaration, declare
from noc_console.services.runtime import Runtime, connector_configs
from noc_console.services.sources.config import ConnectorConfig
from noc_console.services.team.service_sources import published


def linking_sources(connectors: Iterable[ConnectorConfig[Any]]) -> frozenset[str]:
    """The names of the configured sources whose PSA links tickets natively."""
    return linking_types({config.name: config.type for config in connectors})


def linking_types(types: Mapping[str, str]) -> frozenset[str]:
    """The sources (name → connector type key) whose type links tickets natively; a type
    this console does not know links nothing."""
    found = set()
    for name, key in types.items():
        kind = connector_type(key)
        if kind is not None and kind.links_tickets:
            found.add(name)
    return frozenset(found)


def console_desk(runtime: Runtime, config: Config, demo: bool) -> MajorIncidentDesk:
    """The desk a console declares with, its children linked where their PSA can: on
    one desk, its own connectors; on a team's shared database, the sources the active
    sync service published (it runs them; a console usually lists none), read at each
    declaration."""
    links: Container[str] | Callable[[], Container[str]]
    if runtime.feed.shared:
        store = runtime.store
        links = lambda: linking_types(published(store))  # noqa: E731 - read when declaring
    else:
        links = linking_sources(connector_configs(config, demo))
    return MajorIncidentDesk(runtime.store, config.sla.cadence, runtime.clock, links,
                             runtime.engine.wake)  # fmt: skip


class MajorIncidentDesk:
    def __init__(
        self,
        store: Store,
        cadence: UpdateCadence,
        clock: Clock,
        native_links: Container[str] | Callable[[], Container[str]] = frozenset(),
        wake: Callable[[str], None] | None = None,
    ) -> None:
        """`native_links`: the sources whose children are linked in their PSA, or what
        reads them at each declaration (a team console: `console_desk`)."""
        self._store = store
        self._clock = clock
        self._native_links = native_links
        self._wake = wake  # wake(source): deliver now (the engine's)
        self.cadence = cadence

    def declare(self, declaration: Declaration, me: Identity) -> tuple[MajorIncident, ChangeSet]:
        """Store the major incident and its children's notes and links; `CannotDeclare`
        or `MajorIncidentError` with what to fix, and then nothing is stored."""
        now = self._clock.now()
        links = self._native_links
        record, actions = declare(declaration, me, now, links() if callable(links) else links)
        stored, changes = self._store.declare_major_incident(record, actions, now)
        if self._wake is not None:
            for source in sorted({c.key.source for c in stored.children}):
                self._wake(source)
        return stored, changes

    def clocks(self) -> list[UpdateClock]:
        """The open major incidents against their update cadence, soonest due first."""
        return update_clocks(self._store.major_incidents(), self.cadence, self._clock.now())
