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
