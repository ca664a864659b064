"""`wall_to_utc_us`, the business calendars' fast way onto the UTC time line, places every
wall time exactly where `wall_to_utc` does — across the hours clocks skip and repeat."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from noc_console.models.wall_time import wall_to_utc, wall_to_utc_us

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: DST of every shape: northern and southern, a 30-minute shift (Lord Howe), changes at
#: midnight (Havana, Santiago), none at all (Tokyo, UTC).
ZONES = ("Europe/London", "America/New_York", "Europe/Berlin", "Australia/Sydney",
         "Australia/Lord_Howe", "America/Havana", "America/Santiago", "Asia/Tokyo",
         "UTC")  # fmt: skip


@pytest.mark.parametrize("name", ZONES)
def test_every_third_of_an_hour_of_a_year_lands_where_wall_to_utc_puts_it(name: str) -> None:
    zone = ZoneInfo(name)
    wall = datetime.combine(date(2026, 1, 1), time(0))
    while wall.year < 2027:
        expected = (wall_to_utc(wall, zone) - EPOCH) // timedelta(microseconds=1)
        assert wall_to_utc_us(wall, zone) == expected, wall
        wall += timedelta(minutes=20)
