"""The handover desk: what the Handover view and the board's flag ask of the engine.

Drafts the current shift's handover, saves it with the outgoing lead's notes (and the
HTML as handed over), records the incoming lead's acknowledgement, lists stored
handovers. Every call reads or writes the store: run it off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import NamedTuple

from noc_console.models.cache.handover_table import SavedHandover
from noc_console.models.cache.store import Store
from noc_console.models.clock import Clock
from noc_console.models.incident import IncidentKey
from noc_console.models.shift import ShiftPlan, ShiftSpan
from noc_console.services.handover.document import handover_title, render_handover_html
from noc_console.services.handover.report import HandoverReport, assemble_handover
from noc_console.services.sla_config import SlaSettings


class HandoverDocument(NamedTuple):
    """A handover ready to write: its HTML and the title its PDF pages carry."""

    html: str
    title: str


class HandoverDesk:
    def __init__(self, store: Store, plan: ShiftPlan, sla: SlaSettings, clock: Clock) -> None:
        self._store = store
        self._plan = plan
        self._sla = sla
        self._clock = clock

    @property
    def plan(self) -> ShiftPlan:
        return self._plan

    def draft(self, at: datetime | None = None) -> HandoverReport:
        """The handover of the shift in progress (or the one at `at`), as of now."""
        now = self._clock.now()
        span = self._plan.span_at(at or now)
        return assemble_handover(self._store, self._plan, span, now, self._sla)

    def hand_over(
        self, report: HandoverReport, author: str, note: str, notes: Mapping[IncidentKey, str]
    ) -> SavedHandover:
        """Store the handover; `HandoverError` if its shift's was already acknowledged."""
        draft = SavedHandover(
            shift_name=report.shift.name,
            shift_start=report.shift.start,
            shift_end=report.shift.end,
            created_at=self._clock.now(),
            author=author.strip() or "(no name given)",
            note=note,
            notes={k: v for k, v in notes.items() if v.strip()},
        )
        return self._store.save_handover(replace(draft, html=render_handover_html(report, draft)))

    def document(self, span: ShiftSpan) -> HandoverDocument:
        """The handover of `span` as of now, with the notes and acknowledgement of its
        stored handover if there is one: what `noc-console handover` writes, and the
        Handover window's Export of a stored handover (one path, one document)."""
        report = assemble_handover(self._store, self._plan, span, self._clock.now(), self._sla)
        saved = self._store.handover_for(span.name, span.start)
        return HandoverDocument(render_handover_html(report, saved), handover_title(report))

    def stored_document(self, saved: SavedHandover) -> HandoverDocument:
        """`document` for the shift `saved` was handed over for."""
        day = saved.shift_start.astimezone(self._plan.zone).date()
        span = ShiftSpan(saved.shift_name, saved.shift_start, saved.shift_end, day)
        return self.document(span)

    def acknowledge(self, number: int, name: str) -> SavedHandover:
        return self._store.acknowledge_handover(number, name, self._clock.now())

    def handovers(self) -> list[SavedHandover]:
        return self._store.handovers()

    def unacknowledged(self) -> list[SavedHandover]:
        """Handed over and not yet taken by the incoming lead, newest first."""
        return self._store.handovers(unacknowledged_only=True)
