"""Service metrics over the cache: MTTA, MTTR, SLA compliance, first-contact resolution,
escalation, reopen and recurrence rates, volumes and backlog (docs/metrics.md has every
definition with its formula). Pure over the store, GUI-free; call it on a worker thread.

The API (everything a view, the wall or the report needs; all times aware UTC):

- `Period(start, end)` — a half-open UTC span. `Period.month("2026-11")`,
  `Period.day_of(now)`, `Period.last_days(now, 30)`, `period.previous()` (the span of
  the same length just before), `period.clipped(now)`.
- `Measures` — the figures of one group in one period: `opened`, `resolved`,
  `mtta`, `mttr`, `mttr_business` (timedelta or None when nothing to average),
  `response_compliance`, `resolution_compliance`, `compliance` (both clocks),
  `first_contact_rate`, `escalation_rate`, `reopen_rate`, `recurrence_rate`
  (fractions 0…1, or None when nothing was decided), `breaches`; `tally` (the sums).
- `measure(store, period, now, by=Grouping.CLIENT, client_id=None) -> dict[str, Measures]`
  — one entry per group value met in the period (client id, contract name, "P1", "L2",
  source name, or ISO day).
- `client_table(store, period, now) -> list[ClientMetrics]` — every known client (the
  quiet ones too, with empty measures), by name.
- `trend(store, period, now, step, client_id=None) -> list[TrendPoint]` — one point per
  day / ISO week / month of the period (`Step.DAY|WEEK|MONTH`), each with its
  `Measures` and the `backlog` (open incidents at the point's end).
- `snapshot(store, period, now) -> MetricsSnapshot` — a full refresh for the Metrics
  view: the client table, the total, opened/resolved/backlog per day, MTTR per week,
  compliance per month.

The numbers come from `Store.tallies` (SQL sums and counts, `models/cache/tally_query.py`)
and `models/tally.py`'s `Tally`; this package only divides.
"""

from noc_console.models.tally import Grouping, Tally
from noc_console.services.metrics.engine import (
    ClientMetrics,
    MetricsSnapshot,
    Step,
    TrendPoint,
    client_table,
    measure,
    snapshot,
    trend,
)
from noc_console.services.metrics.measures import Measures
from noc_console.services.metrics.period import Period

__all__ = ["ClientMetrics", "Grouping", "Measures", "MetricsSnapshot", "Period", "Step", "Tally",
           "TrendPoint", "client_table", "measure", "snapshot", "trend"]  # fmt: skip
