"""The SQL that adds up a period's incidents into `Tally`s (see docs/metrics.md).

By client, contract, priority, tier or source, one pass over the incidents sums every
population at once (opened; response clocks decided: answered, or past due unanswered;
resolution clocks decided: resolved, or past due unresolved), each with its own
condition. By day, each population is grouped by the day of its own event. Reopenings
come from the status history, recurrences from a window over `ix_incidents_recurrence`.
Durations are the integers the store wrote with each incident (`metric_facts`), so no
row's times are parsed; days are the stored text's first ten characters on SQLite.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, case, func, not_, or_, select, tuple_
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from noc_console.models.cache.schema import EVENTS, INCIDENTS
from noc_console.models.tally import Grouping, Tally

RECURRENCE_WINDOW = timedelta(days=30)
_I = INCIDENTS.c
_E = EVENTS.c
_DONE = ("resolved", "closed")
_TIER_RANK = {"L1": 1, "L2": 2, "L3": 3, "ENG": 4}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_DAY = date(1970, 1, 1)


class _Day(FunctionElement[str]):
    """The UTC day of a stored time as `YYYY-MM-DD` text (stored times are naive UTC)."""

    type = String()
    inherit_cache = True


@compiles(_Day)
def _day_default(element: _Day, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(next(iter(element.clauses)), **kw)}, 'YYYY-MM-DD')"


@compiles(_Day, "sqlite")
def _day_sqlite(element: _Day, compiler: Any, **kw: Any) -> str:
    # SQLAlchemy stores "YYYY-MM-DD HH:MM:SS.ffffff": the day is its start, no parsing.
    return f"substr({compiler.process(next(iter(element.clauses)), **kw)}, 1, 10)"


def _day_of(value: Any) -> ColumnElement[str]:
    return _Day(value)


def _epoch(value: datetime) -> int:
    return int((value - _EPOCH).total_seconds())


def _epoch_day(seconds: Any) -> Any:
    """Days since 1970 of epoch seconds (made a date in `_key`)."""
    return seconds // 86_400


def _key(value: Any) -> str:
    if isinstance(value, int | float):
        return (_EPOCH_DAY + timedelta(days=int(value))).isoformat()
    return str(value)


def tallies(
    connection: Connection,
    start: datetime,
    end: datetime,
    now: datetime,
    grouping: Grouping,
    client_id: str | None = None,
) -> dict[str, Tally]:
    """Each group's tally of `[start, end)`; clocks still running at `now` are undecided.
    `Grouping.CONTRACT` is the caller's (the contract a client is on is configuration)."""
    p = _Populations(start, end, now)
    found: dict[str, dict[str, Any]] = {}
    scope = [] if client_id is None else [_I.client_id == client_id]
    if grouping is Grouping.DAY:  # each population by the day of its own event
        queries = [
            _grouped(_day_of(_I.created_at), {"opened": func.count()}, p.opened, *scope),
            _grouped(_day_of(func.coalesce(p.answered, _I.response_due)), p.response_sums(),
                     or_(p.answered_in, p.response_late), *scope),
            _grouped(_day_of(func.coalesce(_I.resolved_at, _I.resolution_due)),
                     p.resolution_sums(), or_(p.resolved_in, p.resolution_late), *scope),
        ]  # fmt: skip
    else:  # one pass over the incidents for every population
        columns = {"opened": _count(p.opened), **p.response_sums(), **p.resolution_sums()}
        where = or_(p.opened, p.answered_in, p.response_late, p.resolved_in, p.resolution_late)
        queries = [_grouped(_column(grouping), columns, where, *scope)]
    queries.append(_reopened(grouping, start, end, scope))
    queries.append(_recurred(grouping, start, end, scope))
    for query in queries:
        for row in connection.execute(query):
            values = row._asdict()
            into = found.setdefault(_key(values.pop("g")), {})
            for name, value in values.items():
                into[name] = into.get(name, 0) + (value or 0)
    return {group: Tally(**values) for group, values in found.items()}


class _Populations:
    """The conditions that put an incident in each population of `[start, end)`."""

    def __init__(self, start: datetime, end: datetime, now: datetime) -> None:
        cut = min(end, max(now, start))  # a clock running at `now` is not breached yet
        self.answered = func.coalesce(_I.responded_at, _I.resolved_at)  # resolving answers
        self.opened = _between(_I.created_at, start, end)
        self.answered_in = _between(self.answered, start, end)
        self.response_late = and_(
            _I.responded_at.is_(None), _I.resolved_at.is_(None), _I.response_due >= start,
            _I.response_due < cut, _not_paused_before(_I.response_due),
        )  # fmt: skip
        self.resolved_in = _between(_I.resolved_at, start, end)
        self.resolution_late = and_(
            _I.resolved_at.is_(None), _I.resolution_due >= start, _I.resolution_due < cut,
            _not_paused_before(_I.resolution_due),
        )  # fmt: skip

    def response_sums(self) -> dict[str, Any]:
        answered, due, inside = self.answered, _I.response_due, self.answered_in
        return {
            "responded": _count(inside),
            "response_s": func.sum(case((inside, _I.response_wall_s))),
            "response_met": _count(and_(inside, answered <= due)),
            "response_breached": _count(or_(and_(inside, answered > due), self.response_late)),
        }

    def resolution_sums(self) -> dict[str, Any]:
        resolved, due, inside = _I.resolved_at, _I.resolution_due, self.resolved_in
        escalated = tuple_(_I.source, _I.external_id).in_(_escalated_keys())
        return {
            "resolved": _count(inside),
            "resolution_s": func.sum(case((inside, _I.resolution_wall_s))),
            "resolution_business_s": func.sum(case((inside, _I.resolution_business_s))),
            "resolution_business_n": func.count(case((inside, _I.resolution_business_s))),
            "resolution_met": _count(and_(inside, resolved <= due)),
            "resolution_breached": _count(or_(and_(inside, resolved > due), self.resolution_late)),
            "first_contact": _count(and_(inside, _I.tier == "L1", not_(escalated))),
            "escalated": _count(and_(inside, escalated)),
        }


def _grouped(group: Any, columns: dict[str, Any], *where: Any) -> Any:
    key = group.label("g")
    return select(key, *(c.label(n) for n, c in columns.items())).where(*where).group_by(key)


def _reopened(grouping: Grouping, start: datetime, end: datetime, scope: list[Any]) -> Any:
    """A status change from resolved/closed back to an open status, in the period."""
    group = _day_of(_E.at) if grouping is Grouping.DAY else _column(grouping)
    joined = EVENTS.join(INCIDENTS, and_(_I.source == _E.source, _I.external_id == _E.external_id))
    return _grouped(
        group, {"reopened": func.count()}, _between(_E.at, start, end), _E.field == "status",
        _E.old.in_(_DONE), _E.new.not_in(_DONE), *scope,
    ).select_from(joined)  # fmt: skip


def _recurred(grouping: Grouping, start: datetime, end: datetime, scope: list[Any]) -> Any:
    """Opened in the period within 30 days of an earlier incident of the same client and
    symptom: a window over `ix_incidents_recurrence` (client, symptom, created_s)."""
    first, last = _epoch(start), _epoch(end)
    window_s = int(RECURRENCE_WINDOW.total_seconds())
    # The latest creation strictly before this one: incidents opened in the same second
    # are not each other's recurrence, whatever order their rows arrived in (a `lag`
    # over ties was; ordering ties by id instead cost a sort of every row).
    earlier = func.max(_I.created_s).over(
        partition_by=(_I.client_id, _I.symptom), order_by=_I.created_s, range_=(None, -1)
    )
    group = _I.client_id if grouping in (Grouping.DAY, Grouping.CLIENT) else _column(grouping)
    inner = (
        select(group.label("k"), _I.created_s, earlier.label("earlier"))
        .where(_I.created_s >= first - window_s, _I.created_s < last, *scope)
        .subquery()
    )
    w = inner.c
    key = _epoch_day(w.created_s) if grouping is Grouping.DAY else w.k
    return _grouped(
        key, {"recurred": func.count()}, w.created_s >= first,
        w.created_s - w.earlier <= window_s,
    )  # fmt: skip


def backlog_at(connection: Connection, at: datetime, client_id: str | None = None) -> int:
    """Incidents open at `at`: created before it and not resolved by then."""
    where = [_I.created_at < at, or_(_I.resolved_at.is_(None), _I.resolved_at >= at)]
    if client_id is not None:
        where.append(_I.client_id == client_id)
    return int(connection.scalar(select(func.count()).select_from(INCIDENTS).where(*where)) or 0)


def symptoms(
    connection: Connection, client_id: str, start: datetime, end: datetime, limit: int
) -> list[tuple[str, int, str]]:
    """The client's most frequent symptoms among incidents opened in `[start, end)`, seen
    at least twice: (symptom, how many, the latest title), most frequent first."""
    count = func.count().label("n")
    query = (
        select(_I.symptom, count, func.max(_I.title))
        .where(_I.client_id == client_id, _between(_I.created_at, start, end))
        .group_by(_I.symptom)
        .having(count >= 2)
        .order_by(count.desc(), _I.symptom)
        .limit(limit)
    )
    return [(str(s), int(n), str(title)) for s, n, title in connection.execute(query)]


def _escalated_keys() -> Any:
    """Incidents the history shows moving up a tier (L1 → L2 → L3 → ENG)."""
    rank = {name: case(_TIER_RANK, value=column, else_=0) for name, column in
            (("old", _E.old), ("new", _E.new))}  # fmt: skip
    return select(_E.source, _E.external_id).where(_E.field == "tier", rank["new"] > rank["old"])


def _not_paused_before(due: Any) -> Any:
    """A clock paused before its due date has not run out (its due date is provisional
    while the pause lasts: docs/sla.md)."""
    return or_(_I.paused_since.is_(None), _I.paused_since > due)


def _column(grouping: Grouping) -> Any:
    columns = {
        Grouping.CLIENT: _I.client_id,
        Grouping.CONTRACT: _I.client_id,
        Grouping.PRIORITY: _I.priority,
        Grouping.TIER: _I.tier,
        Grouping.SOURCE: _I.source,
    }
    return columns[grouping]


def _between(column: Any, start: datetime, end: datetime) -> Any:
    return and_(column >= start, column < end)


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


__all__ = ["RECURRENCE_WINDOW", "backlog_at", "symptoms", "tallies"]
