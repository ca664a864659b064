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

`correlate` is pure and deterministic (same arrivals, same groups, in the order of
their first arrival); it costs about one pass over the arrivals sorted by time.
"""

from noc_console.services.correlation.arrival import Arrival
from noc_console.services.correlation.grouping import DEFAULT_WINDOW, Group, correlate

__all__ = ["DEFAULT_WINDOW", "Arrival", "Group", "correlate"]
