"""How likely one incident is to breach an SLA clock: a value the board, its queues and the
wall read from a row, computed off the GUI thread by `services/forecast/`.

A plain value on the row (not a lookup beside it) so every consumer — a column's cell and
sort value, a queue's predicate, a named order, the wall's tile — stays a function of the
row alone, and a changed forecast reaches the board the way a changed incident does. It
holds nothing that changes by the minute (the time left is read from the clock when the
reason is shown), so rows change only when the chance does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from noc_console.models.clock_text import duration


class ClockKind(StrEnum):
    RESPONSE = "response"
    RESOLUTION = "resolution"

    @property
    def verb(self) -> str:
        return "respond" if self is ClockKind.RESPONSE else "resolve"


#: From this probability on a clock counts as likely to breach (the queue, the wall tile).
LIKELY = 0.5


@dataclass(frozen=True, slots=True)
class BreachForecast:
    """The chance that the riskier running clock of an incident breaches, and on what.

    `probability` is in [0, 1] (1.0 once the clock is past due), or `None` when no
    history says anything of this kind of incident, or none of it ran as long as this
    clock has (`basis` then says so). Otherwise
    `basis` names the class of incidents it was judged by ("P2 at L1"), `typical` their
    median duration, `ahead` the older incidents open in its tier.
    """

    probability: float | None
    clock: ClockKind
    due_at: datetime
    basis: str
    typical: timedelta | None = None
    ahead: int = 0

    @property
    def likely(self) -> bool:
        return self.probability is not None and self.probability >= LIKELY

    def reason(self, left: timedelta) -> str:
        """One line for people: "P2 at L1, typically 3h 10m to resolve, 1h 40m left,
        6 ahead" (`left`: the clock's business time left now)."""
        if self.probability is None or self.typical is None:
            return self.basis
        if left <= timedelta(0):
            return f"{self.basis}: {self.clock.value} past due"
        return (
            f"{self.basis}, typically {duration(self.typical)} to {self.clock.verb}, "
            f"{duration(left)} left, {self.ahead} ahead"
        )
