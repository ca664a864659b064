"""The major-incident desk: what the board's M key, the banner, the wall and the alarm
ask of the engine. Every call reads or writes the store: run it off the GUI thread.

A declaration is stored with its children's notes and links in one transaction, then
each child's connector is woken to deliver them (a team console's are delivered by the
sync service, which hears the outbox change).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
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
from noc_console.services.identity import Identity
from noc_console.services.major_incident.declare import Declaration, declare
from noc_console.services.sources.config import ConnectorConfig


def linking_sources(connectors: Iterable[ConnectorConfig[Any]]) -> frozenset[str]:
    """The names of the configured sources whose PSA links tickets natively."""
    found = set()
    for config in connectors:
        kind = connector_type(config.type)
        if kind is not None and kind.links_tickets:
            found.add(config.name)
    return frozenset(found)


class MajorIncidentDesk:
    def __init__(
        self,
        store: Store,
        cadence: UpdateCadence,
        clock: Clock,
        native_links: Container[str] = frozenset(),
        wake: Callable[[str], None] | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._native_links = native_links
        self._wake = wake  # wake(source): deliver now (the engine's)
        self.cadence = cadence

    def declare(self, declaration: Declaration, me: Identity) -> tuple[MajorIncident, ChangeSet]:
        """Store the major incident and its children's notes and links; `CannotDeclare`
        or `MajorIncidentError` with what to fix, and then nothing is stored."""
        now = self._clock.now()
        record, actions = declare(declaration, me, now, self._native_links)
        stored, changes = self._store.declare_major_incident(record, actions, now)
        if self._wake is not None:
            for source in sorted({c.key.source for c in stored.children}):
                self._wake(source)
        return stored, changes

    def clocks(self) -> list[UpdateClock]:
        """The open major incidents against their update cadence, soonest due first."""
        return update_clocks(self._store.major_incidents(), self.cadence, self._clock.now())
