"""The `[correlation]` table: how far apart a group's arrivals may be."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from noc_console.services.correlation.grouping import DEFAULT_WINDOW


def _window_problem(window: timedelta) -> str | None:
    if timedelta(minutes=1) <= window <= timedelta(hours=24):
        return None
    return "must be between 1 minute and 24 hours"


@dataclass(frozen=True, slots=True, kw_only=True)
class CorrelationSettings:
    """`[correlation]`: declared once; the board and the wall group with it."""

    window: timedelta = field(
        default=DEFAULT_WINDOW,
        metadata={
            "doc": "Incidents arriving within this of each other may be one event.",
            "check": _window_problem,
        },
    )
