"""The major-incident desk: what the board's M key, the banner, the wall and the alarm
ask of the engine. Every call reads or writes the store: run it off the GUI thread.

A declaration is stored with its children's notes and links in one transaction, then
each child's connector is woken to deliver them (a team console's are delivered by the
sync service, which hears the outbox change). Which children are linked natively is
decided by the connector types of the sources that deliver them: a desk's own, or the
ones a team's sync service published (`console_desk`).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from typing import Any

from noc_console.connectors.registry import connector_type
from noc_console.models.actions import Action
from noc_console.models.board_row import BoardRow, ChangeSet
from noc_console.models.cache.store import Store
from noc_console.models.clock import Clock
from noc_console.models.incident import IncidentKey
from noc_console.models.major_incident import (
    MajorIncident,
    MajorIncidentChild,
    UpdateCadence,
    UpdateClock,
    update_clocks,
)
from noc_console.services.config import Config
from noc_console.services.correlation import Group
from noc_console.services.identity import Identity
from noc_console.services.major_incident.declare import Declaration, declare
from noc_console.services.major_incident.join import (
    CannotJoin,
    joined_actions,
    joining,
    suggested,
)
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
        record, actions = declare(declaration, me, now, self._links())
        stored, changes = self._store.declare_major_incident(record, actions, now)
        if self._wake is not None:
            for source in sorted({c.key.source for c in stored.children}):
                self._wake(source)
        return stored, changes

    def join_choices(
        self, rows: Sequence[BoardRow], groups: Sequence[Group]
    ) -> tuple[list[MajorIncident], int | None]:
        """The open major incidents `rows` could join, and the one they most likely
        belong to (the one holding their groups', of the board's `groups`)."""
        records = self._store.major_incidents()
        return records, suggested(records, rows, groups)

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
        native = self._links()  # read before the store's transaction, not inside it

        def actions(stored: MajorIncident, added: list[MajorIncidentChild]) -> list[Action]:
            known = {c: self._client_name(c, names) for c in stored.clients}
            return joined_actions(stored, added, known, me, native)

        stored, changes = self._store.join_major_incident(number, plan.children, plan.event,
                                                          actions, now)  # fmt: skip
        if self._wake is not None:
            for source in sorted({c.key.source for c in plan.children}):
                self._wake(source)
        return stored, changes

    def resolve_warnings(self, records: Sequence[MajorIncident]) -> dict[IncidentKey, str]:
        """For each open record's lead child in a source that links natively (the ticket
        its other children there are linked to): what resolving it alone would also do
        — its PSA may close the linked tickets with it (ServiceNow passes a parent's
        state on, ConnectWise closes a bundle, HaloPSA may refuse). Reads the linking
        sources: off the GUI thread."""
        links = self._links()
        found: dict[IncidentKey, str] = {}
        for record in records:
            if not record.is_open:
                continue
            by_source: dict[str, list[IncidentKey]] = {}
            for child in record.children:
                by_source.setdefault(child.key.source, []).append(child.key)
            for source, keys in by_source.items():
                if source in links and len(keys) > 1:
                    others = len(keys) - 1
                    found[keys[0]] = (
                        f"⚠ {keys[0]} is {record.reference}'s lead ticket in {source}: "
                        f"{others} other ticket{'s are' if others != 1 else ' is'} linked to "
                        "it there, and resolving it alone may resolve or close them with it "
                        f"(other clients' tickets). To end the major incident, close out "
                        f"{record.reference} with Shift+R."
                    )
        return found

    def _links(self) -> Container[str]:
        links = self._native_links
        return links() if callable(links) else links

    def _client_name(self, client_id: str, known: dict[str, str]) -> str:
        if known.get(client_id):
            return known[client_id]
        client = self._store.client(client_id)
        return client.name if client is not None and client.name else client_id

    def clocks(self) -> list[UpdateClock]:
        """The open major incidents against their update cadence, soonest due first."""
        return update_clocks(self._store.major_incidents(), self.cadence, self._clock.now())
