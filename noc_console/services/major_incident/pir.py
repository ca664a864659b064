"""The post-incident review: built from the record's events, saved as a timeline event.

`build_review` gathers what happened — the record's times, its timeline (declared,
children added, updates sent and by whom, mitigation, resolution, notes) merged with
its children's own status, tier and priority changes (the escalations), the children
and how they ended — and the latest saved `Review` (root cause, factors, actions).
`save_review` appends a new `review` event; `open_reviews` lists what the handover
shows: resolved major incidents whose review is not closed, and actions past due.
Renderers: `pir_text.py` (Markdown and the HTML the PDF is printed from).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from noc_console.models.cache.store import Store
from noc_console.models.incident import IncidentKey
from noc_console.models.major_incident import EventKind, MajorIncident, MajorIncidentEvent
from noc_console.models.pir import PirAction, Review
from noc_console.services.identity import Identity


class ReviewError(ValueError):
    """No such major incident, or a review that cannot be saved (the message says why)."""


@dataclass(frozen=True, slots=True)
class TimelineLine:
    at: datetime
    what: str
    by: str = ""


@dataclass(frozen=True, slots=True)
class ChildLine:
    key: IncidentKey
    client: str
    title: str
    status: str  # as stored now ("unknown" when no longer in the cache)


@dataclass(frozen=True, slots=True)
class PirDocument:
    record: MajorIncident
    review: Review
    timeline: tuple[TimelineLine, ...]
    children: tuple[ChildLine, ...]
    updates_sent: int
    clients: tuple[str, ...]  # names, in the record's order

    def times(self) -> list[tuple[str, datetime | None]]:
        r = self.record
        return [
            ("Impact started (first ticket)", r.detected_at),
            ("Declared", r.declared_at),
            ("First client update", r.first_update_at),
            ("Mitigated", r.mitigated_at),
            ("Resolved", r.resolved_at),
        ]

    def durations(self) -> list[tuple[str, timedelta | None]]:
        r = self.record
        start = r.detected_at or r.declared_at
        return [
            ("Time to declare", r.declared_at - start),
            ("Declared to first update", _between(r.declared_at, r.first_update_at)),
            ("Impact to mitigation", _between(start, r.mitigated_at)),
            ("Impact to resolution", _between(start, r.resolved_at)),
        ]


def _between(start: datetime, end: datetime | None) -> timedelta | None:
    return None if end is None else end - start


def _record(store: Store, number: int) -> MajorIncident:
    record = store.major_incident(number)
    if record is None:
        raise ReviewError(f"there is no major incident MI-{number}: `noc-console` lists them "
                          "on the board and in the handover")  # fmt: skip
    return record


def latest_review(events: list[MajorIncidentEvent]) -> Review:
    reviews = [e for e in events if e.kind is EventKind.REVIEW]
    return Review.from_detail(reviews[-1].detail) if reviews else Review()


def build_review(store: Store, number: int, now: datetime) -> PirDocument:
    """The review of MI-`number` as it stands at `now`; `ReviewError` when unknown."""
    record = _record(store, number)
    events = store.major_incident_events(number)
    names = {c: _name(store, c) for c in record.clients}
    lines = [_line(e, names) for e in events if e.kind is not EventKind.REVIEW]
    start = min(record.detected_at or record.declared_at, record.declared_at)
    end = (record.resolved_at or now) + timedelta(seconds=1)
    keys = set(record.child_keys)
    for change in store.history(start, end):
        if change.key in keys:
            what = f"{change.key}: {change.field} {change.old} → {change.new}"
            lines.append(TimelineLine(change.at, what))
    lines.sort(key=lambda line: (line.at, not line.by, line.what))
    rows = {row.key: row for row in store.rows(list(keys))}
    children = tuple(
        ChildLine(c.key, names.get(c.client_id) or _name(store, c.client_id), c.title,
                  rows[c.key].status.label if c.key in rows else "unknown")
        for c in record.children
    )  # fmt: skip
    sent = sum(1 for e in events if e.kind is EventKind.UPDATE_SENT)
    return PirDocument(record, latest_review(events), tuple(lines), children, sent,
                       tuple(names[c] for c in record.clients))  # fmt: skip


def save_review(store: Store, number: int, review: Review, me: Identity, now: datetime) -> None:
    """Save `review` as MI-`number`'s latest; `ReviewError` when unknown or incomplete."""
    _record(store, number)
    problems = review.problems()
    if problems:
        raise ReviewError("; ".join(problems))
    word = "closed" if review.closed else "saved"
    event = MajorIncidentEvent(EventKind.REVIEW, now, me.name, f"Review {word}",
                               review.to_detail())  # fmt: skip
    store.record_major_incident_event(number, event)


@dataclass(frozen=True, slots=True)
class OpenReview:
    """A resolved major incident whose review is not closed, and its actions past due."""

    record: MajorIncident
    overdue: tuple[PirAction, ...]


def open_reviews(store: Store, today: date, limit: int = 200) -> list[OpenReview]:
    """Resolved major incidents with a review still open, the newest first."""
    found = []
    for record in store.major_incidents(open_only=False, limit=limit):
        if record.is_open:
            continue
        review = latest_review(store.major_incident_events(record.id))
        if not review.closed:
            found.append(OpenReview(record, tuple(review.overdue(today))))
    return found


def _name(store: Store, client_id: str) -> str:
    client = store.client(client_id)
    return client.name if client is not None and client.name else client_id


def _line(event: MajorIncidentEvent, names: Mapping[str, str]) -> TimelineLine:
    kind = event.kind
    if kind is EventKind.UPDATE_SENT:
        clients = event.detail.get("clients")
        told = [names.get(c, c) for c in clients] if isinstance(clients, dict) else []
        what = f"Client update ({event.text}) sent to {', '.join(told) or 'no client'}"
    elif kind is EventKind.RESOLVED:
        what = f"Closed out: {event.text}"
    elif kind is EventKind.DECLARED:
        what = f"Declared: {event.text}"
    else:
        label = kind.value.replace("_", " ").capitalize()
        what = f"{label}: {event.text}" if event.text else label
    return TimelineLine(event.at, what, event.by)
