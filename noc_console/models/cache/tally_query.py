"""The SQL that adds up a period's incidents into `Tally`s (see docs/metrics.md).

One aggregate query per population, each grouped by the asked `Grouping` and filtered
on its own time column: opened (created), response clocks decided (answered, or past
due unanswered), resolution clocks decided (resolved, or past due unresolved),
reopenings (the status history) and recurrences (a window over client + symptom).
Time differences and UTC days are written per dialect (SQLite, PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Float, String, and_, case, func, not_, or_, select, tuple_
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


class _Seconds(FunctionElement[float]):
    """Seconds from the first time to the second (fractional)."""

    type = Float()
    inherit_cache = True


@compiles(_Seconds)
def _seconds_default(element: _Seconds, compiler: Any, **kw: Any) -> str:
    a, b = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(b, **kw)} - {compiler.process(a, **kw)}))"


@compiles(_Seconds, "sqlite")
def _seconds_sqlite(element: _Seconds, compiler: Any, **kw: Any) -> str:
    a, b = list(element.clauses)
    return (
        f"((julianday({compiler.process(b, **kw)}) - julianday({compiler.process(a, **kw)}))"
        " * 86400.0)"
    )


class _Day(FunctionElement[str]):
    """The UTC day of a time as `YYYY-MM-DD` text (stored times are naive UTC)."""

    type = String()
    inherit_cache = True


@compiles(_Day)
def _day_default(element: _Day, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(next(iter(element.clauses)), **kw)}, 'YYYY-MM-DD')"


@compiles(_Day, "sqlite")
def _day_sqlite(element: _Day, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(next(iter(element.clauses)), **kw)})"


def seconds(start: Any, end: Any) -> ColumnElement[float]:
    return _Seconds(start, end)


def day(value: Any) -> ColumnElement[str]:
    return _Day(value)


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
    cut = min(end, max(now, start))  # a clock running at `now` is not breached yet
    found: dict[str, dict[str, Any]] = {}

    def add(group: Any, values: dict[str, Any]) -> None:
        into = found.setdefault(str(group), {})
        for name, value in values.items():
            into[name] = into.get(name, 0) + (value or 0)

    def key(moment: Any) -> ColumnElement[Any]:
        return day(moment) if grouping is Grouping.DAY else _column(grouping)

    def scoped(*conditions: Any) -> Any:
        if client_id is not None:
            conditions = (*conditions, _I.client_id == client_id)
        return and_(*conditions)

    def run(
        moment: Any,
        columns: dict[str, Any],
        where: Any,
        *,
        join: Callable[[Any], Any] | None = None,
    ) -> None:
        group = key(moment).label("g")
        query = select(group, *(c.label(n) for n, c in columns.items()))
        if join is not None:
            query = join(query)
        query = query.where(where).group_by(group)
        for row in connection.execute(query):
            values = row._asdict()
            add(values.pop("g"), values)

    # Opened.
    run(_I.created_at, {"opened": func.count()}, scoped(_between(_I.created_at, start, end)))

    # Response clocks: stopped when answered (responded, else resolved) or run out unanswered.
    answered = func.coalesce(_I.responded_at, _I.resolved_at)
    due = _I.response_due
    run(
        func.coalesce(answered, due),
        {
            "responded": func.count(answered),
            "response_s": func.sum(seconds(_I.created_at, answered)),
            "response_met": _count(and_(due.is_not(None), answered <= due)),
            "response_breached": _count(or_(answered > due, answered.is_(None))),
        },
        scoped(
            or_(
                _between(answered, start, end),
                and_(answered.is_(None), due >= start, due < cut, _not_paused_before(due)),
            )
        ),
    )

    # Resolution clocks, MTTR, first contact and escalation.
    resolved = _I.resolved_at
    due = _I.resolution_due
    done = resolved.is_not(None)
    escalated = tuple_(_I.source, _I.external_id).in_(_escalated_keys())
    run(
        func.coalesce(resolved, due),
        {
            "resolved": func.count(resolved),
            "resolution_s": func.sum(
                seconds(_I.created_at, resolved) - func.coalesce(_I.paused_s, 0)
            ),
            "resolution_business_s": func.sum(_I.resolution_business_s),
            "resolution_business_n": func.count(_I.resolution_business_s),
            "resolution_met": _count(and_(due.is_not(None), resolved <= due)),
            "resolution_breached": _count(or_(resolved > due, resolved.is_(None))),
            "first_contact": _count(and_(done, _I.tier == "L1", not_(escalated))),
            "escalated": _count(and_(done, escalated)),
        },
        scoped(
            or_(
                _between(resolved, start, end),
                and_(resolved.is_(None), due >= start, due < cut, _not_paused_before(due)),
            )
        ),
    )

    # Reopened: a status change from resolved/closed back to an open status.
    run(
        _E.at,
        {"reopened": func.count()},
        scoped(
            _between(_E.at, start, end),
            _E.field == "status",
            _E.old.in_(_DONE),
            _E.new.not_in(_DONE),
        ),
        join=lambda q: q.select_from(
            EVENTS.join(INCIDENTS, and_(_I.source == _E.source, _I.external_id == _E.external_id))
        ),
    )

    # Recurred: opened within 30 days of an earlier incident of the same client + symptom.
    earlier = (
        func.lag(_I.created_at)
        .over(partition_by=(_I.client_id, _I.symptom), order_by=_I.created_at)
        .label("earlier")
    )
    window = (
        select(_I.client_id, _I.priority, _I.tier, _I.source, _I.created_at, earlier)
        .where(scoped(_between(_I.created_at, start - RECURRENCE_WINDOW, end)))
        .subquery()
    )
    w = window.c
    group = (day(w.created_at) if grouping is Grouping.DAY else w[_column(grouping).name]).label(
        "g"
    )
    recurring = (
        select(group, func.count().label("recurred"))
        .where(
            _between(w.created_at, start, end),
            w.earlier.is_not(None),
            seconds(w.earlier, w.created_at) <= RECURRENCE_WINDOW.total_seconds(),
        )
        .group_by(group)
    )
    for row in connection.execute(recurring):
        add(row.g, {"recurred": row.recurred})

    return {group: Tally(**values) for group, values in found.items()}


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


__all__ = ["RECURRENCE_WINDOW", "backlog_at", "day", "seconds", "symptoms", "tallies"]
