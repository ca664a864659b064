"""Injectable sources of "now".

Everything that depends on the current time takes a `Clock`, so tests move time
forward instantly instead of sleeping, and demos can run faster than real time.
All clocks return timezone-aware UTC datetimes.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything with a `now()` returning an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to; thread-safe."""

    def __init__(self, start: datetime) -> None:
        self._now = ensure_utc(start)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = ensure_utc(when)


class ScaledClock:
    """Real time sped up by `factor` from the moment it is created (for demos)."""

    def __init__(self, factor: float, base: Clock | None = None) -> None:
        if factor <= 0:
            raise ValueError("factor must be positive")
        self._base = base or SystemClock()
        self._origin = self._base.now()
        self._factor = factor

    def now(self) -> datetime:
        elapsed = self._base.now() - self._origin
        return self._origin + elapsed * self._factor


def ensure_utc(value: datetime) -> datetime:
    """Return `value` in UTC; a naive datetime is a bug, not an assumption to make."""
    if value.tzinfo is UTC:  # the common case: already UTC (the same instant, unchanged)
        return value
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()} where an aware one is required")
    return value.astimezone(UTC)
