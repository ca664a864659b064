"""RT and daylight saving (issue 15, item 6): the incremental search's date literal.

RT 5.0.3 applies the zone's offset at the wall time read as UTC, not at the instant
the wall time means (`RT::Date::ParseByTimeParseDate`), so for a few hours around each
DST change it reads a literal an hour late. `rt_reads` below is that reading, written
from RT's code; the properties check that the literal we send is never read later
than the instant we mean, in any zone, and is widened only near a change of offset.
The sync test sends the search to a scripted RT on 127.0.0.1 on the 2026 New York and
Zurich change days and reads the literal it received.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.request_tracker.connector import (
    RequestTrackerConnector,
    RtOptions,
    rt_client,
)
from noc_console.connectors.request_tracker.dates import local_literal, since_literal, widening
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.services.sync import OVERLAP, SyncService
from tests.fakes.scripted_server import ScriptedServer, serving

ZONES = st.timezone_keys(allow_prefix=False).map(ZoneInfo)
# hypothesis takes naive bounds and attaches the zone itself
INSTANTS = st.datetimes(
    datetime(1970, 1, 2),  # noqa: DTZ001
    datetime(2100, 12, 30),  # noqa: DTZ001
    timezones=st.just(UTC),
)


def rt_reads(literal: str, zone: ZoneInfo) -> datetime:
    """The instant RT 5.0.3 takes a local literal for: the wall time parsed as UTC,
    minus the zone's offset at that (wrong) instant."""
    as_utc = datetime.fromisoformat(literal).replace(tzinfo=UTC)
    return as_utc - (as_utc.astimezone(zone).utcoffset() or timedelta(0))


def offsets_between(start: datetime, end: datetime, zone: ZoneInfo) -> set[timedelta]:
    """Every UTC offset `zone` has from `start` to `end`, looked at minute by minute."""
    found, at = set(), start
    while at <= end:
        found.add(utc_offset(at, zone))
        at += timedelta(minutes=1)
    return found | {utc_offset(end, zone)}


def utc_offset(at: datetime, zone: ZoneInfo) -> timedelta:
    offset = at.astimezone(zone).utcoffset()
    assert offset is not None  # a ZoneInfo always has one
    return offset


@settings(max_examples=150, deadline=None)
@given(zone=ZONES, since=INSTANTS)
def test_the_search_widens_exactly_when_the_offset_changes_near_since(
    zone: ZoneInfo, since: datetime
) -> None:
    """Danger window: from `since` to its wall time read as UTC, an hour more each way."""
    offset = since.astimezone(zone).utcoffset() or timedelta(0)
    early, late = sorted((since, since + offset))
    seen = offsets_between(early - timedelta(hours=1), late + timedelta(hours=1), zone)
    assert widening(since, zone) == max(seen) - min(seen)


@settings(max_examples=300, deadline=None)
@given(zone=ZONES, since=INSTANTS)
def test_rt_never_reads_the_literal_later_than_since(zone: ZoneInfo, since: datetime) -> None:
    literal = since_literal(since, zone)
    assert rt_reads(literal, zone) <= since
    if widening(since, zone) == timedelta(0):
        assert literal == local_literal(since, zone)  # an ordinary day: nothing changes


def transitions(zone: ZoneInfo, year: int) -> list[datetime]:
    """The instants (to the minute) in `year` at which `zone`'s UTC offset changes."""
    found, day = [], datetime(year, 1, 1, tzinfo=UTC)
    while day.year == year:
        after = day + timedelta(days=1)
        if day.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
            low, high = day, after  # bisect: the offset at `low` is the old one
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                same = middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset()
                low, high = (middle, high) if same else (low, middle)
            found.append(high)
        day = after
    return found


NEAR = st.sampled_from(["America/New_York", "Europe/Zurich", "Australia/Lord_Howe",
                        "Antarctica/Troll", "Asia/Tehran", "Pacific/Chatham",
                        "America/Santiago", "Europe/London"]).map(ZoneInfo)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(zone=NEAR, year=st.integers(1990, 2060), data=st.data())
def test_near_a_dst_change_the_search_widens_by_the_change_and_rt_reads_it_in_time(
    zone: ZoneInfo, year: int, data: st.DataObject
) -> None:
    """Instants within a day of each change of these zones (30-minute, one-hour and
    two-hour changes; east and west of UTC; both hemispheres)."""
    changes = transitions(zone, year)
    if not changes:
        return
    change = data.draw(st.sampled_from(changes))
    since = change + timedelta(minutes=data.draw(st.integers(-24 * 60, 24 * 60)))
    offset = since.astimezone(zone).utcoffset() or timedelta(0)
    early, late = sorted((since, since + offset))
    inside = early - timedelta(hours=1) < change <= late + timedelta(hours=1)
    before, after = utc_offset(change - timedelta(minutes=1), zone), utc_offset(change, zone)
    assert widening(since, zone) == (abs(after - before) if inside else timedelta(0))
    assert rt_reads(since_literal(since, zone), zone) <= since


@pytest.mark.parametrize(
    ("zone", "since", "plain", "sent"),
    [
        # New York springs forward at 07:00 UTC; 04:30 EDT was read as 09:30 UTC
        ("America/New_York", "2026-03-08T08:30:00", "2026-03-08 04:30:00", "2026-03-08 03:30:00"),
        # Zurich falls back at 01:00 UTC; 01:45 CEST was read as 00:45 UTC
        ("Europe/Zurich", "2026-10-24T23:45:00", "2026-10-25 01:45:00", "2026-10-25 00:45:00"),
        ("America/New_York", "2026-03-15T08:30:00", "2026-03-15 04:30:00", "2026-03-15 04:30:00"),
        ("Europe/Zurich", "2026-10-26T23:45:00", "2026-10-27 00:45:00", "2026-10-27 00:45:00"),
    ],
)  # fmt: skip
def test_an_incremental_sync_on_a_dst_change_day_asks_rt_from_early_enough(
    store: Store, zone: str, since: str, plain: str, sent: str
) -> None:
    newest = datetime.fromisoformat(since).replace(tzinfo=UTC) + OVERLAP
    clock = ManualClock(newest + timedelta(minutes=1))
    with serving() as rt:
        for _ in range(2):  # two syncs: the first sets the watermark, the second searches
            rt.answer(body={"items": [], "page": 1, "per_page": 100, "total": 0})
            rt.answer(body={"items": [ticket(newest)], "page": 1, "per_page": 100, "total": 1})
        source = connector(rt, zone)
        for _ in range(2):
            assert SyncService(source, store, clock).sync_once().ok
            clock.advance(timedelta(minutes=1))
    queries = [parse_qs(urlsplit(r.path).query).get("query", [""])[0] for r in rt.requests]
    assert queries[-1] == f"LastUpdated >= '{sent}'"
    assert rt_reads(sent, ZoneInfo(zone)) <= newest - OVERLAP
    if sent != plain:  # what was sent before: RT read it an hour late
        assert rt_reads(plain, ZoneInfo(zone)) == newest - OVERLAP + timedelta(hours=1)


def connector(rt: ScriptedServer, zone: str) -> RequestTrackerConnector:
    http = rt_client(
        "rt", HttpSettings(rt.url, retries=0, allow_insecure_http=True), "token", "", "1-2-3"
    )
    return RequestTrackerConnector("rt", http, RtOptions(timezone=zone))


def ticket(updated: datetime) -> dict[str, Any]:
    stamp = updated.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"id": 7, "Subject": "Link down", "Status": "open", "Queue": {"id": 1, "Name": "Acme"},
            "Owner": {"id": "Nobody"}, "Priority": "50", "Created": stamp, "LastUpdated": stamp,
            "CustomFields": []}  # fmt: skip
