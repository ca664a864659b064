"""What the console's update, close-out and review dialogs ask of the engine. Every
call reads or writes the store: run it off the GUI thread (`views/worker.py` Op).

After an update or a close-out is stored, each child's connector is woken to deliver
the notes and resolves now (a team console's are delivered by the sync service).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from noc_console.models.board_row import ChangeSet
from noc_console.models.cache.store import Store
from noc_console.models.clock import Clock
from noc_console.models.comms_template import Phase, TemplateSet
from noc_console.models.major_incident import MajorIncident, UpdateCadence
from noc_console.models.pir import Review
from noc_console.services.identity import Identity
from noc_console.services.major_incident import close_out as closing
from noc_console.services.major_incident import pir, updates
from noc_console.services.major_incident.close_out import ChildResult
from noc_console.services.major_incident.updates import ClientUpdate


@dataclass(frozen=True, slots=True)
class CommsContext:
    """What composing an update needs, read once when a dialog opens."""

    records: tuple[MajorIncident, ...]  # open ones, newest first
    client_names: dict[str, str]
    templates: TemplateSet
    cadence: UpdateCadence


class CommsDesk:
    def __init__(
        self,
        store: Store,
        cadence: UpdateCadence,
        templates: TemplateSet,
        clock: Clock,
        wake: Callable[[str], None] | None = None,
    ) -> None:
        self._store = store
        self._cadence = cadence
        self._templates = templates
        self._clock = clock
        self._wake = wake

    def context(self, open_only: bool = True) -> CommsContext:
        records = tuple(self._store.major_incidents(open_only=open_only))
        ids = {c for r in records for c in (*r.clients, *(x.client_id for x in r.children))}
        names = {}
        for client_id in ids:
            client = self._store.client(client_id)
            names[client_id] = client.name if client is not None and client.name else client_id
        return CommsContext(records, names, self._templates, self._cadence)

    def compose(
        self, context: CommsContext, record: MajorIncident, phase: Phase, impact: str
    ) -> list[ClientUpdate]:
        """Pure: safe on the GUI thread (`TemplateError` for a phase without a template)."""
        return updates.compose_update(record, phase, impact, context.templates,
                                      context.cadence, context.client_names,
                                      self._clock.now())  # fmt: skip

    def send(
        self, record: MajorIncident, phase: Phase, texts: Sequence[ClientUpdate], me: Identity
    ) -> tuple[MajorIncident, ChangeSet]:
        stored, changes = updates.send_update(self._store, record, phase, texts, me,
                                              self._clock.now())  # fmt: skip
        self._deliver(stored)
        return stored, changes

    def close_out(
        self, record: MajorIncident, note: str, verified: bool, me: Identity
    ) -> tuple[MajorIncident, ChangeSet]:
        stored, changes = closing.close_out(self._store, record, note, verified, me,
                                            self._clock.now())  # fmt: skip
        self._deliver(stored)
        return stored, changes

    def outcomes(self, record: MajorIncident) -> list[ChildResult]:
        return closing.close_out_outcomes(self._store, record)

    def review(self, number: int) -> pir.PirDocument:
        return pir.build_review(self._store, number, self._clock.now())

    def save_review(self, number: int, review: Review, me: Identity) -> None:
        pir.save_review(self._store, number, review, me, self._clock.now())

    def _deliver(self, record: MajorIncident) -> None:
        if self._wake is not None:
            for source in sorted({c.key.source for c in record.children}):
                self._wake(source)
