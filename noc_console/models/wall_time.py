"""Wall-clock times in an IANA zone as UTC instants, with one rule for DST edges.

Business calendars and shifts both place local times of day on the UTC time line; the
rule is decided here once so the two always agree: a wall time that does not exist
(the hour skipped when clocks go forward) means the moment of the change, and a wall
time that happens twice (clocks go back) means its first occurrence.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo


def wall_to_utc(wall: datetime, zone: ZoneInfo) -> datetime:
    """The aware UTC instant of naive local `wall` time in `zone` (rule above)."""
    utc = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != wall:
        utc = _gap_end(wall, zone)
    return utc


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_WALL = _EPOCH.replace(tzinfo=None)
_US = timedelta(microseconds=1)


def wall_to_utc_us(wall: datetime, zone: ZoneInfo) -> int:
    """`wall_to_utc(wall, zone)` as microseconds since the epoch, in one offset lookup
    for a wall time that happens once (all but a few hours a year): a business
    calendar's table places two a day for a year and more, and the general path (two
    conversions and a comparison) was most of building it."""
    offset = zone.utcoffset(wall)
    if offset is not None and offset == zone.utcoffset(wall.replace(fold=1)):
        return (wall - _EPOCH_WALL - offset) // _US  # neither skipped nor repeated
    return (wall_to_utc(wall, zone) - _EPOCH) // _US


def _gap_end(wall: datetime, zone: ZoneInfo) -> datetime:
    """The instant clocks jumped over a non-existent `wall` time."""
    lo = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    hi = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    lo, hi = min(lo, hi), max(lo, hi)
    offset = lo.astimezone(zone).utcoffset()
    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        if mid.astimezone(zone).utcoffset() == offset:
            lo = mid
        else:
            hi = mid
    return hi.replace(microsecond=0)
