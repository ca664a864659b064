"""`correlate` remembered: the same open incidents again give the same groups, no work.

The board and the wall ask after every sync and every few seconds, but the open
incidents change far less often; 10,000 rows cost a worker about a second to group.
Keyed by the set of open incidents, so an arrival or a closure regroups; a title edited
in place waits for the next one. Use it from one thread (the serial worker).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import IncidentKey
from noc_console.services.correlation.arrival import Arrival
from noc_console.services.correlation.grouping import DEFAULT_WINDOW, Group, correlate


class Correlator:
    def __init__(self, window: timedelta = DEFAULT_WINDOW) -> None:
        self.window = window
        self._keys: frozenset[IncidentKey] | None = None
        self._groups: Sequence[Group] = ()

    def groups(self, rows: Iterable[BoardRow]) -> Sequence[Group]:
        """The groups among `rows`; the very same sequence while they are the same
        incidents (a caller may compare with `is` to skip redrawing)."""
        chosen = list(rows)
        keys = frozenset(row.key for row in chosen)
        if keys != self._keys:
            self._keys = keys
            self._groups = tuple(correlate((Arrival.of_row(r) for r in chosen), self.window))
        return self._groups
