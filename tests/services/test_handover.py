"""Handover content for a scripted Early shift of the demo feed.

The demo MSP runs from 06:00 to 15:00 (UTC shifts), synced every five minutes, with a
few triage actions scripted on top. The expectation for every section is computed
here from what the feed published at each sync — consecutive snapshots diffed by this
test — never by asking the handover code or the store's history. Due dates are the
SLA engine's (tested in tests/models); which clocks breached is decided here from the
feed's response, resolution and pause times.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from noc_console.connectors.demo.feed import DemoFeed
from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Incident, IncidentKey, Priority, Status, Tier
from noc_console.models.shift import ShiftPlan
from noc_console.services.handover.report import HandoverReport, assemble_handover
from noc_console.services.outbox import OutboxService
from noc_console.services.sync import SyncService

PLAN = ShiftPlan()  # Early 07–15, Late 15–23, Night 23–07, UTC
SHIFT = PLAN.span_at(datetime(2026, 11, 25, 7, 0, tzinfo=UTC))
STEP = timedelta(minutes=5)
PAUSING = (Status.WAITING_CUSTOMER, Status.WAITING_VENDOR)
Snapshot = dict[IncidentKey, Incident]


@dataclass
class Shift:
    """What happened: the feed at each sync, the scripted actions, the report."""

    store: Store
    snapshots: list[Snapshot] = field(default_factory=list)
    escalated_by_us: IncidentKey | None = None
    reopened_by_us: IncidentKey | None = None
    client_note: tuple[IncidentKey, datetime] | None = None
    unsettled: set[int] = field(default_factory=set)
    report: HandoverReport | None = None


def in_shift(when: datetime | None) -> bool:
    return when is not None and SHIFT.start <= when < SHIFT.end


@pytest.fixture(scope="module")
def shift(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shift]:
    path: Path = tmp_path_factory.mktemp("handover") / "cache.sqlite3"
    clock = ManualClock(SHIFT.start - timedelta(hours=1))
    feed = DemoFeed(clock, seed=11)
    store = Store.open(f"sqlite:///{path}")
    sync, outbox = SyncService(feed, store, clock), OutboxService(store, clock, random.Random(1))
    run = Shift(store)

    def act(action: Action) -> int:
        seq, _ = store.enqueue(action, clock.now())
        return seq

    while True:
        assert sync.sync_once().ok
        run.snapshots.append({i.key: i for p in feed.fetch_changed(None) for i in p.incidents})
        now, latest = clock.now(), run.snapshots[-1]
        if now == SHIFT.start + timedelta(hours=2):  # escalate the oldest open L1 incident
            first_line = [i for i in latest.values() if i.is_open and i.tier is Tier.L1]
            target = min(first_line, key=lambda i: i.created_at)
            run.escalated_by_us = target.key
            act(Action(target.key, ActionKind.TIER, {"tier": "L2"}, created_at=now))
            outbox.deliver(feed)
        if now == SHIFT.start + timedelta(hours=4):  # reopen one resolved this shift
            resolved = [i for i in latest.values() if i.status is Status.RESOLVED]
            target = min((i for i in resolved if in_shift(i.resolved_at)), key=lambda i: i.key)
            run.reopened_by_us = target.key
            act(Action(target.key, ActionKind.STATUS, {"status": "in_progress"}, created_at=now))
            outbox.deliver(feed)
        if now == SHIFT.end - timedelta(minutes=30):
            majors = [i for i in latest.values() if i.is_open and i.priority is Priority.P1]
            if majors:  # tell the client about the oldest P1
                key = min(majors, key=lambda i: i.created_at).key
                payload = {"text": "Engineers on site", "internal": False}
                act(Action(key, ActionKind.NOTE, payload, created_at=now))
                run.client_note = (key, now)
            outbox.deliver(feed)
        if now == SHIFT.end - timedelta(minutes=10):  # one conflict, one left queued
            open_ones = sorted((i for i in latest.values() if i.is_open), key=lambda i: i.key)
            stale = {"status": "x"}  # not what the feed has: delivery meets a conflict
            bad = Action(open_ones[0].key, ActionKind.ACKNOWLEDGE, expected=stale, created_at=now)
            run.unsettled.add(act(bad))
            outbox.deliver(feed)
            note = Action(open_ones[1].key, ActionKind.NOTE, {"text": "check"}, created_at=now)
            run.unsettled.add(act(note))
        if now >= SHIFT.end:
            break
        clock.advance(STEP)
    run.report = assemble_handover(store, PLAN, SHIFT, clock.now())
    yield run
    store.close()


def keys(changes: object) -> set[IncidentKey]:
    return {c.row.key for c in changes}  # type: ignore[attr-defined]


def transitions(run: Shift) -> Iterator[tuple[Incident, Incident]]:
    """(before, after) for each incident that changed between two syncs, in the shift."""
    for before, after in zip(run.snapshots, run.snapshots[1:], strict=False):
        for key, now in after.items():
            then = before.get(key)
            if then is not None and then.version != now.version and in_shift(now.updated_at):
                yield then, now


def test_new_holds_exactly_the_incidents_raised_during_the_shift(shift: Shift) -> None:
    seen = {k: i for snapshot in shift.snapshots for k, i in snapshot.items()}
    expected = {k for k, i in seen.items() if in_shift(i.created_at)}
    assert expected
    assert shift.report is not None
    assert keys(shift.report.new) == expected


def test_escalated_resolved_and_reopened_follow_the_feeds_transitions(shift: Shift) -> None:
    escalated, resolved, reopened = set(), set(), set()
    for before, after in transitions(shift):
        if list(Tier).index(after.tier) > list(Tier).index(before.tier):
            escalated.add(after.key)
        if after.priority.rank < before.priority.rank:
            escalated.add(after.key)
        if before.is_open and not after.is_open:
            resolved.add(after.key)
        if not before.is_open and after.is_open:
            reopened.add(after.key)
    for previous, snapshot in zip([{}, *shift.snapshots], shift.snapshots, strict=False):
        for key, i in snapshot.items():  # first seen already closed, between two syncs
            if key not in previous and not i.is_open and in_shift(i.resolved_at):
                resolved.add(key)
    assert shift.escalated_by_us in escalated
    assert reopened == {shift.reopened_by_us}
    assert len(escalated) > 1
    assert len(resolved) > 3
    report = shift.report
    assert report is not None
    assert keys(report.escalated) == escalated
    assert keys(report.resolved) == resolved
    assert keys(report.reopened) == reopened


def pause_start(run: Shift, key: IncidentKey) -> datetime | None:
    """When the incident entered the pausing status it is in at the end, if it is."""
    start = None
    for snapshot in run.snapshots:
        incident = snapshot.get(key)
        if incident is None or incident.status not in PAUSING:
            start = None
        elif start is None:
            start = incident.updated_at
    return start


def clocks(run: Shift) -> Iterator[tuple[IncidentKey, datetime, datetime | None, datetime | None]]:
    """(key, due, stopped, paused since) of every clock, stop and pause from the feed."""
    final = run.snapshots[-1]
    for row in run.store.rows(list(final)):
        incident = final[row.key]
        paused = pause_start(run, row.key)
        for clock, stopped in (
            (row.response, incident.responded_at),
            (row.resolution, incident.resolved_at),
        ):
            if clock is not None:
                yield row.key, clock.due_at, stopped, paused if stopped is None else None


def test_breached_holds_the_clocks_that_ran_out_during_the_shift(shift: Shift) -> None:
    expected = {
        key
        for key, due, stopped, paused in clocks(shift)
        if in_shift(due) and (stopped or paused or SHIFT.end) > due
    }
    assert expected
    assert shift.report is not None
    assert keys(shift.report.breached) == expected


def test_next_breaches_are_running_clocks_due_in_the_next_shift(shift: Shift) -> None:
    late = PLAN.following(SHIFT)
    expected = {
        key
        for key, due, stopped, paused in clocks(shift)
        if stopped is None and paused is None and late.start <= due < late.end
    }
    assert expected
    assert shift.report is not None
    assert keys(shift.report.next_breaches) == expected


def test_majors_and_their_last_client_update(shift: Shift) -> None:
    final = shift.snapshots[-1]
    expected = {
        k
        for k, i in final.items()
        if i.is_open
        and i.priority is Priority.P1
        and i.impact == 1
        and i.created_at <= SHIFT.end - timedelta(minutes=15)
    }
    report = shift.report
    assert report is not None
    assert {m.row.key for m in report.majors} == expected
    updates = {m.row.key: m.last_client_update for m in report.majors}
    assert shift.client_note is not None
    assert shift.client_note[0] in expected
    assert updates.pop(shift.client_note[0]) == shift.client_note[1]
    assert set(updates.values()) <= {None}


def test_open_incidents_and_the_outbox(shift: Shift) -> None:
    report = shift.report
    assert report is not None
    final = shift.snapshots[-1]
    conflict, pending = sorted(shift.unsettled)
    assert {r.key for r in report.open_incidents} == {k for k, i in final.items() if i.is_open}
    order = [(r.priority.rank, list(Tier).index(r.tier)) for r in report.open_incidents]
    assert order == sorted(order)  # by priority, then queue
    assert {(q.queued.seq, q.queued.state) for q in report.outbox} == {
        (conflict, ActionState.CONFLICT),
        (pending, ActionState.PENDING),
    }
