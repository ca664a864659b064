"""A client-side rate limiter: stay under a vendor's published request rate.

A token bucket shared by every thread of one connector: `acquire()` takes a token,
sleeping until one is free. The bucket holds at most `burst` tokens (default: one
second's worth, at least one), so a quiet minute does not buy a burst the vendor
would punish. Time and sleep are injectable so tests never wait.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self,
        per_second: float,
        burst: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_second = per_second
        self.burst = burst if burst is not None else max(1.0, per_second)
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.burst
        self._stamp = clock()
        self._lock = threading.Lock()
        self.waited = 0.0  # total seconds spent waiting, for headroom reports

    def acquire(self) -> float:
        """Take one token; return how long the caller waited for it."""
        if self.per_second <= 0:
            return 0.0
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.per_second)
            self._stamp = now
            self._tokens -= 1.0
            wait = -self._tokens / self.per_second if self._tokens < 0 else 0.0
            self.waited += wait
        if wait:
            self._sleep(wait)
        return wait
