"""Impact × urgency → priority, the one matrix every view colours from.

Impact and urgency run from 1 (high) to 3 (low), as in ITIL. The default matrix
follows the usual incident-management guidance: high impact and high urgency is P1;
the matrix is a value so that configuration can replace it.
"""

from __future__ import annotations

from collections.abc import Mapping

from noc_console.models.incident import Priority

PriorityMatrix = Mapping[tuple[int, int], Priority]

DEFAULT_MATRIX: PriorityMatrix = {
    (1, 1): Priority.P1,
    (1, 2): Priority.P2,
    (2, 1): Priority.P2,
    (1, 3): Priority.P3,
    (2, 2): Priority.P3,
    (3, 1): Priority.P3,
    (2, 3): Priority.P4,
    (3, 2): Priority.P4,
    (3, 3): Priority.P4,
}


def priority_for(impact: int, urgency: int, matrix: PriorityMatrix = DEFAULT_MATRIX) -> Priority:
    """The priority of an incident with this impact and urgency (1 = high … 3 = low)."""
    try:
        return matrix[(impact, urgency)]
    except KeyError:
        raise ValueError(f"impact {impact} × urgency {urgency} is not in the matrix") from None


def impact_urgency_for(
    priority: Priority, matrix: PriorityMatrix = DEFAULT_MATRIX
) -> tuple[int, int]:
    """The most balanced impact × urgency cell giving `priority`, for sources (RT,
    ConnectWise) that record only a priority: (2, 2) for P3 rather than (1, 3)."""
    cells = [cell for cell, value in matrix.items() if value is priority]
    if not cells:
        raise ValueError(f"no impact × urgency cell gives {priority.value}")
    return min(cells, key=lambda c: (abs(c[0] - c[1]), c[0]))
