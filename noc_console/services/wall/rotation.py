"""What changes on a wall with time alone: the page on show and the burn-in shift.

Both are pure functions of an injected clock's instants, so tests move a
`ManualClock` instead of waiting, and a simulated day runs in seconds. A page stays
up `interval` after it was shown; pausing holds it until resumed, and the page then
gets a full interval again.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

#: The burn-in pattern: every position once, in steps of one amplitude, then again.
SHIFT_PATTERN: tuple[tuple[int, int], ...] = (
    (0, 0), (1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1),
)  # fmt: skip


class Rotation:
    """The page on show among `pages`, moved on by `advance(now)`."""

    def __init__(self, pages: Sequence[str], interval: timedelta, now: datetime) -> None:
        if not pages:
            raise ValueError("a rotation needs at least one page")
        if interval <= timedelta(0):
            raise ValueError("the interval must be positive")
        self.pages = tuple(pages)
        self.interval = interval
        self._index = 0
        self._shown_at = now
        self.paused = False

    @property
    def index(self) -> int:
        return self._index

    @property
    def page(self) -> str:
        return self.pages[self._index]

    def advance(self, now: datetime, skip: Collection[str] = ()) -> bool:
        """Move to the page due at `now`, passing over the pages in `skip` (those with
        nothing to show); True when the page changed. With every other page skipped
        the page on show stays up.

        A long gap (the machine slept) moves one page, not one per missed interval.
        """
        if self.paused or len(self.pages) == 1 or now - self._shown_at < self.interval:
            return False
        count = len(self.pages)
        following = ((self._index + step) % count for step in range(1, count))
        index = next((i for i in following if self.pages[i] not in skip), self._index)
        self._shown_at = now
        if index == self._index:
            return False
        self._index = index
        return True

    def toggle_pause(self, now: datetime) -> bool:
        """Pause or resume; returns whether it is now paused."""
        self.paused = not self.paused
        if not self.paused:
            self._shown_at = now
        return self.paused

    def remaining(self, now: datetime) -> timedelta:
        """Time until the next page (the full interval while paused)."""
        if self.paused:
            return self.interval
        return max(timedelta(0), self.interval - (now - self._shown_at))


def pixel_shift(elapsed: timedelta, every: timedelta, amplitude: int) -> tuple[int, int]:
    """The (dx, dy) offset of the whole picture `elapsed` after the wall started."""
    if amplitude <= 0 or every <= timedelta(0):
        return (0, 0)
    step = int(elapsed / every) % len(SHIFT_PATTERN)
    dx, dy = SHIFT_PATTERN[step]
    return (dx * amplitude, dy * amplitude)
