"""What the wall's `metrics` page shows, computed on the worker from the cache.

Today's opened and resolved, today's MTTA and MTTR beside last week's (the seven whole
UTC days before today), and one tile per client: SLA compliance over the last seven
days with its daily course over the last fourteen (the sparkline), worst first. The
wall's `ClientScope` is applied before anything is added up, so a scoped wall's
figures hold nobody else's incidents. Figures come from `services/metrics`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from noc_console.models.cache.store import Store
from noc_console.models.tally import EMPTY, Grouping
from noc_console.services.metrics import ClientMetrics, Measures, Period, client_table, measure
from noc_console.services.wall.scope import ClientScope

COMPLIANCE_DAYS = 7  # a tile's figure: compliance over the last week, today included
SPARK_DAYS = 14  # a tile's sparkline: one point a day


@dataclass(frozen=True, slots=True)
class ClientCompliance:
    client_id: str
    name: str
    compliance: float | None  # over the last COMPLIANCE_DAYS days; None: no clock decided
    breaches: int
    daily: tuple[float | None, ...]  # compliance per day, oldest first (SPARK_DAYS)


@dataclass(frozen=True, slots=True)
class WallMetrics:
    at: datetime
    today: Measures
    last_week: Measures
    clients: tuple[ClientCompliance, ...]  # worst compliance first; quiet clients last


def wall_metrics(store: Store, now: datetime, scope: ClientScope, tiles: int) -> WallMetrics:
    """The page's figures at `now`; sparklines for the first `tiles` clients only (each
    is one more read, and the rest are not on screen)."""
    today = Period.day_of(now)
    week = Period(today.start - timedelta(days=7), today.start)
    recent = Period.last_days(now, COMPLIANCE_DAYS)
    spark = Period.last_days(now, SPARK_DAYS)
    lines = [c for c in client_table(store, recent, now) if scope.admits(c.client_id, c.name)]
    lines.sort(key=_worst_first)
    clients = [
        ClientCompliance(
            line.client_id,
            line.name,
            line.measures.compliance,
            line.measures.breaches,
            _daily(store, spark, now, line.client_id) if n < tiles else (),
        )
        for n, line in enumerate(lines)
    ]
    return WallMetrics(
        at=now,
        today=_scoped(store, today, now, scope),
        last_week=_scoped(store, week, now, scope),
        clients=tuple(clients),
    )


def _worst_first(line: ClientMetrics) -> tuple[bool, float, int, str]:
    compliance = line.measures.compliance
    return (compliance is None, compliance or 0.0, -line.measures.breaches, line.name.casefold())


def _scoped(store: Store, period: Period, now: datetime, scope: ClientScope) -> Measures:
    lines: Iterable[ClientMetrics] = client_table(store, period, now)
    admitted = (c.measures.tally for c in lines if scope.admits(c.client_id, c.name))
    return Measures(sum(admitted, EMPTY))


def _daily(store: Store, period: Period, now: datetime, client_id: str) -> tuple[float | None, ...]:
    days = measure(store, period, now, Grouping.DAY, client_id)
    empty = Measures()
    return tuple(days.get(day.isoformat(), empty).compliance for day in period.days())
