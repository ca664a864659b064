from collections import Counter
from datetime import timedelta

import pytest

from noc_console.connectors.base import Page
from noc_console.connectors.demo.feed import DemoFeed
from noc_console.connectors.errors import ActionRejected
from noc_console.models.actions import Action, ActionKind
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Incident, IncidentKey, Status
from noc_console.services.correlation import Arrival, correlate
from tests.conftest import T0


def everything(feed: DemoFeed) -> list[Incident]:
    return [i for page in feed.fetch_changed(None) for i in page.incidents]


def test_same_seed_same_history() -> None:
    first = everything(DemoFeed(ManualClock(T0), seed=3))
    second = everything(DemoFeed(ManualClock(T0), seed=3))
    assert first == second
    assert len(first) > 50


def test_different_seed_different_history() -> None:
    assert everything(DemoFeed(ManualClock(T0), seed=3)) != everything(
        DemoFeed(ManualClock(T0), seed=4)
    )


def test_state_does_not_depend_on_how_often_it_is_polled() -> None:
    polled_clock, quiet_clock = ManualClock(T0), ManualClock(T0)
    polled, quiet = DemoFeed(polled_clock), DemoFeed(quiet_clock)
    everything(polled)
    everything(quiet)
    for _ in range(90):  # 90 polls a minute apart versus one poll 90 minutes later
        polled_clock.advance(timedelta(minutes=1))
        everything(polled)
    quiet_clock.advance(timedelta(minutes=90))
    assert everything(polled) == everything(quiet)


def test_time_compresses_with_a_manual_clock() -> None:
    clock = ManualClock(T0)
    feed = DemoFeed(clock, history=timedelta(0))
    assert everything(feed) == []
    clock.advance(timedelta(hours=6))
    arrived = everything(feed)
    assert 40 < len(arrived) < 140  # about 14 an hour


def test_incremental_fetch_returns_only_changes_since() -> None:
    clock = ManualClock(T0)
    feed = DemoFeed(clock)
    everything(feed)
    clock.advance(timedelta(minutes=5))
    since = T0
    recent = [i for page in feed.fetch_changed(since) for i in page.incidents]
    assert recent
    assert all(i.updated_at >= since for i in recent)
    assert len(recent) < len(everything(feed))


def test_pages_are_ordered_and_carry_their_watermark() -> None:
    pages: list[Page] = list(
        DemoFeed(ManualClock(T0), history=timedelta(days=2)).fetch_changed(None)
    )
    assert len(pages) > 1
    for page in pages:
        assert page.watermark == max(i.updated_at for i in page.incidents)
    watermarks = [p.watermark for p in pages]
    assert watermarks == sorted(watermarks)  # type: ignore[type-var]


def test_a_realistic_msp_mix() -> None:
    feed = DemoFeed(ManualClock(T0))
    incidents = everything(feed)
    assert len(feed.clients()) == 12
    assert len({c.contract for c in feed.clients()}) == 3
    assert len({i.client_id for i in incidents}) >= 10
    statuses = Counter(i.status for i in incidents)
    for status in (Status.NEW, Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.RESOLVED):
        assert statuses[status] > 0, status
    assert len({i.priority for i in incidents}) == 4
    assert len({i.tier for i in incidents}) >= 2
    assert all(i.assignee for i in incidents if i.status is not Status.NEW)
    assert all(i.responded_at for i in incidents if i.status is not Status.NEW)
    assert any("VPN" in i.title for i in incidents)


def test_arrival_rate_holds_at_any_rate() -> None:
    """Poisson arrivals: 600 an hour is ten a minute, not a loop that never ends."""
    clock = ManualClock(T0)
    feed = DemoFeed(clock, history=timedelta(0), arrivals_per_hour=600)
    clock.advance(timedelta(hours=1))
    assert 500 < len(everything(feed)) < 700


def test_the_demo_opens_with_a_carrier_outage_that_correlation_finds() -> None:
    """The demo shows what correlation is for: a burst from several clients at one site."""
    feed = DemoFeed(ManualClock(T0))
    open_now = [i for page in feed.list_open() for i in page.incidents]
    arrivals = [
        Arrival(IncidentKey(i.source, i.external_id), i.client_id, i.client_id, i.title,
                i.created_at, i.category)
        for i in open_now
    ]  # fmt: skip
    oslo = [g for g in correlate(arrivals) if g.label.endswith("at Oslo")]
    assert oslo, [i.title for i in open_now]
    assert len(oslo[0].members) >= 4
    assert len(oslo[0].clients) >= 3


def test_a_major_incident_link_is_refused_in_one_line() -> None:
    feed = DemoFeed(ManualClock(T0), seed=3)
    first, second = everything(feed)[:2]
    link = Action(IncidentKey("demo", second.external_id), ActionKind.LINK,
                  {"refers_to": [first.external_id], "reference": "MI-7"})  # fmt: skip
    with pytest.raises(ActionRejected) as refused:
        feed.apply(link, retry=False)
    assert str(refused.value) == (
        "demo: not linked natively — the demo feed has no links between incidents; the "
        "internal note names the major incident"
    )
