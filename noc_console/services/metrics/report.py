"""The monthly SLA report an MSP sends a client (`noc-console report`, docs/metrics.md).

Assembled from the metrics engine and the store for one client and one period:
compliance per priority, the breaches with their reasons, MTTA/MTTR, the volume trend
(opened and resolved per week), the declared major incidents that touched the client,
its P1 incidents and the top recurring symptoms. An
unknown client or a period with no incidents gives a report that says so (`problem`),
never a crash; a period that has not begun is refused (`ReportRefused`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from noc_console.models.board_row import BoardRow
from noc_console.models.cache.store import Store
from noc_console.models.clock_text import duration
from noc_console.models.incident import Client, IncidentKey, Priority
from noc_console.models.major_incident import MajorIncident
from noc_console.models.sla_clock import SlaClock
from noc_console.models.tally import Grouping
from noc_console.services.metrics.engine import Step, TrendPoint, measure, total, trend
from noc_console.services.metrics.measures import Measures
from noc_console.services.metrics.period import Period

TOP_SYMPTOMS = 5


class ReportRefused(ValueError):
    """A report that cannot be made at all (a period in the future): the message says why."""


@dataclass(frozen=True, slots=True)
class Breach:
    row: BoardRow
    clock: str  # "response" or "resolution"
    due: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class DeclaredMajor:
    """A declared major incident that touched the client in the period
    (docs/major-incidents.md): the record, this client's tickets in it, updates sent."""

    record: MajorIncident
    tickets: tuple[IncidentKey, ...]
    updates_sent: int

    @property
    def started_at(self) -> datetime:
        """When it began for the NOC: the earliest child's creation, else the declaration."""
        return self.record.detected_at or self.record.declared_at

    @property
    def first_update_after(self) -> timedelta | None:
        """From the declaration to the first client update (None: none was sent)."""
        first = self.record.first_update_at
        return None if first is None else max(first - self.record.declared_at, timedelta(0))

    @property
    def lasted(self) -> timedelta | None:
        """From its start to its resolution (None while open)."""
        end = self.record.resolved_at
        return None if end is None else max(end - self.started_at, timedelta(0))


@dataclass(frozen=True, slots=True)
class ClientReport:
    client: Client
    period: Period
    generated_at: datetime
    total: Measures
    by_priority: dict[Priority, Measures]
    breaches: tuple[Breach, ...]
    weeks: tuple[TrendPoint, ...]
    majors: tuple[BoardRow, ...]  # P1 incidents opened in the period
    symptoms: tuple[tuple[str, int, str], ...]  # (symptom, count, latest title)
    problem: str = ""  # why the report is empty, when it is
    declared: tuple[DeclaredMajor, ...] = ()  # major incidents open at some time in the period

    @property
    def title(self) -> str:
        return f"SLA report {self.client.name} {self.period.label}"


def find_client(store: Store, name: str) -> Client | None:
    """The client whose id or name is `name` (case and surrounding spaces ignored)."""
    wanted = name.strip().casefold()
    for client in store.clients():
        if wanted in (client.id.casefold(), client.name.casefold()):
            return client
    return None


def build_report(store: Store, client_name: str, period: Period, now: datetime) -> ClientReport:
    if period.is_future(now):
        raise ReportRefused(
            f"period {period.label} has not begun yet: a report covers time that has passed"
        )
    client = find_client(store, client_name)
    if client is None:
        known = ", ".join(sorted(c.name for c in store.clients())[:10]) or "none yet"
        return _empty(
            Client(client_name, client_name), period, now,
            f"No client named {client_name!r} in the cache (clients: {known}).",
        )  # fmt: skip
    whole = total(store, period, now, client.id)
    if _quiet(whole):
        return _empty(client, period, now, f"No incidents for {client.name} in {period.label}.")
    by_priority = measure(store, period, now, Grouping.PRIORITY, client.id)
    rows = [
        r
        for r in store.rows_between(
            period.start,
            period.end,
            ("created_at", "resolved_at", "response_due", "resolution_due"),
        )
        if r.client_id == client.id
    ]
    return ClientReport(
        client=client,
        period=period,
        generated_at=now,
        total=whole,
        by_priority={p: by_priority.get(p.value, Measures()) for p in Priority},
        breaches=tuple(_breaches(rows, period, now)),
        weeks=tuple(trend(store, period, now, Step.WEEK, client.id)),
        majors=tuple(sorted(
            (r for r in rows if r.priority is Priority.P1 and r.created_at >= period.start
             and r.created_at < period.end),
            key=lambda r: r.created_at,
        )),
        symptoms=tuple(store.top_symptoms(client.id, period.start, period.end, TOP_SYMPTOMS)),
        declared=tuple(_declared(store, client.id, period)),
    )  # fmt: skip


def _declared(store: Store, client_id: str, period: Period) -> list[DeclaredMajor]:
    """The major incidents with a ticket of this client, open at some time in the period."""
    found = []
    for record, sent in store.major_incidents_active_between(period.start, period.end):
        tickets = tuple(c.key for c in record.children if c.client_id == client_id)
        if tickets or client_id in record.clients:
            found.append(DeclaredMajor(record, tickets, sent))
    return found


def _quiet(m: Measures) -> bool:
    t = m.tally
    return not (t.opened or t.resolved or t.responded or m.breaches or t.reopened)


def _empty(client: Client, period: Period, now: datetime, problem: str) -> ClientReport:
    return ClientReport(client, period, now, Measures(), {p: Measures() for p in Priority}, (),
                        (), (), (), problem)  # fmt: skip


def _breaches(rows: list[BoardRow], period: Period, now: datetime) -> list[Breach]:
    """Clocks decided in the period and missed, in the order they fell due."""
    found = []
    cut = min(period.end, now)
    for row in rows:
        for name, clock in (("response", row.response), ("resolution", row.resolution)):
            if clock is None:
                continue
            reason = _missed(name, clock, period, cut, row)
            if reason:
                found.append(Breach(row, name, clock.due_at, reason))
    return sorted(found, key=lambda b: (b.due, b.row.key))


def _missed(name: str, clock: SlaClock, period: Period, cut: datetime, row: BoardRow) -> str:
    stopped = clock.stopped_at
    if name == "response" and stopped is None and row.resolution is not None:
        stopped = row.resolution.stopped_at  # resolving answers (docs/metrics.md)
    verb = "answered" if name == "response" else "resolved"
    if stopped is not None:
        if period.start <= stopped < period.end and stopped > clock.due_at:
            late = duration(stopped - clock.due_at)
            return f"{verb} {late} after due; last handled at {row.tier.value}"
        return ""
    if clock.paused_since is not None and clock.paused_since <= clock.due_at:
        return ""  # paused in time: its due date waits for the pause to end
    if period.start <= clock.due_at < cut:
        over = duration(cut - clock.due_at)
        where = f"still {row.status.value.replace('_', ' ')} at {row.tier.value}"
        return f"not {verb} by due: {over} over by {cut:%d %b %H:%M} UTC, {where}"
    return ""
