"""The major-incident desk: what the board's M key, the banner, the wall and the alarm
ask of the engine. Every call reads or writes the store: run it off the GUI thread.

A declaration is stored with its children's notes and links in one transaction, then
each child's connector is woken to deliver them (a team console's are delivered by the
sync service, which hears the outbox change).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Sequence
from typing import Any

from noc_console.connectors.registry import connector_type
from noc_console.models.actions import Action
from noc_console.models.board_row import BoardRow, ChangeSet
from noc_console.models.cache.store import Store
from noc_console.models.clock import Clock
from noc_console.models.major_incident import (
    MajorIncident,
    MajorIncidentChild,
    UpdateCadence,
    UpdateClock,
    update_clocks,
)
from noc_console.services.identity import Identity
from noc_console.services.major_incident.declare import Declaration, declare
from noc_console.services.major_incident.join import (
    CannotJoin,
    joined_actions,
    joining,
    suggested,
)
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

    def join_choices(
        self, rows: Sequence[BoardRow], open_rows: Sequence[BoardRow]
    ) -> tuple[list[MajorIncident], int | None]:
        """The open major incidents `rows` could join, and the one they most likely
        belong to (their correlated group's)."""
        records = self._store.major_incidents()
        return records, suggested(records, rows, open_rows)

    def join(
        self, number: int, rows: Sequence[BoardRow], me: Identity
    ) -> tuple[MajorIncident, ChangeSet]:
        """Add `rows` to open MI-`number`: each new child's note (and native link) in the
        outbox with the record's change; `CannotJoin` or `MajorIncidentError` with what
        to fix, and then nothing is stored."""
        record = self._store.major_incident(number)
        if record is None:
            raise CannotJoin(f"there is no major incident MI-{number}")
        now = self._clock.now()
        plan = joining(record, rows, self._store.major_incidents_of([r.key for r in rows]),
                       me, now)  # fmt: skip
        names = {r.client_id: r.client_name for r in rows}
        native = self._native_links

        def actions(stored: MajorIncident, added: list[MajorIncidentChild]) -> list[Action]:
            known = {c: self._client_name(c, names) for c in stored.clients}
            return joined_actions(stored, added, known, me, native)

        stored, changes = self._store.join_major_incident(number, plan.children, plan.event,
                                                          actions, now)  # fmt: skip
        if self._wake is not None:
            for source in sorted({c.key.source for c in plan.children}):
                self._wake(source)
        return stored, changes

    def _client_name(self, client_id: str, known: dict[str, str]) -> str:
        if known.get(client_id):
            return known[client_id]
        client = self._store.client(client_id)
        return client.name if client is not None and client.name else client_id

    def clocks(self) -> list[UpdateClock]:
        """The open major incidents against their update cadence, soonest due first."""
        return update_clocks(self._store.major_incidents(), self.cadence, self._clock.now())
