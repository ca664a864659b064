"""Correlation: open incidents that are probably one event, found without Qt or I/O.

An upstream carrier or a shared platform fails and tickets arrive from many clients
and sources within minutes; the NOC should see one event, not twenty rows. This
package groups them. Precision matters more than recall: a wrong group makes someone
declare a major incident over unrelated tickets, a missed one only leaves rows apart.

The API other features build on (mi-declare declares a major incident from a group):

    from noc_console.services.correlation import Arrival, Group, correlate, DEFAULT_WINDOW

    arrivals = [Arrival.of_row(row) for row in board_rows]       # or Arrival(...) by hand
    groups: list[Group] = correlate(arrivals, window=DEFAULT_WINDOW)
    for group in groups:
        group.key        # str, stable while the group's first member stays open
        group.label      # "Internet circuit down at Oslo"
        group.members    # tuple[IncidentKey, ...] in arrival order (at least 2)
        group.clients    # tuple[str, ...] client ids, sorted
        group.client_names  # tuple[str, ...] their names, in the order of `clients`
        group.first_at, group.last_at  # first and last arrival (aware UTC)
        group.summary    # "5 incidents · 3 clients · Internet circuit down at Oslo"
        group.reasons    # tuple[Reason, ...]: why each member is in it, as `members`
        group.reason_of(key)  # Reason: .text "same circuit TN-88213", .kind, .doubtful
                         # (joined other clients' incidents by wording alone)

`correlate` is pure and deterministic (same arrivals, same groups, in the order of
their first arrival); it costs about one pass over the arrivals sorted by time.
`Correlator(window).groups(board_rows)` remembers the last answer while the open
incidents stay the same (the board and the wall ask often).
"""

from noc_console.services.correlation.arrival import Arrival
from noc_console.services.correlation.correlator import Correlator
from noc_console.services.correlation.grouping import DEFAULT_WINDOW, Group, correlate
from noc_console.services.correlation.reasons import Reason, starts_unticked

__all__ = [
    "DEFAULT_WINDOW",
    "Arrival",
    "Correlator",
    "Group",
    "Reason",
    "correlate",
    "starts_unticked",
]
