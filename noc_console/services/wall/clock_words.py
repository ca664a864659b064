"""What a wall line says about an incident's SLA: which clock, its state in words, by
how much, and a mark that does not depend on colour.

A wall is read from across the room by people who did not open the ticket, so a line
never shows a bare countdown: "▲ RESPONSE BREACHED 22m ago", "◆ response CRITICAL
4m 10s left", "resolution 46m left", "☾ resolution paused until Mon 05:30 8h 00m
left". A breached clock is spoken of before any running one (a breach is the news; the
next deadline is not). Times not within the next 20 hours carry their day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from noc_console.models.board_row import BoardRow
from noc_console.models.clock_text import OFF_HOURS, STATE_MARKS, duration
from noc_console.models.sla_clock import DEFAULT_THRESHOLDS, ClockState, SlaClock, SlaThresholds

#: The word that goes with an SLA state's colour on the wall ("" for none).
STATE_WORDS = {
    ClockState.BREACHED: "BREACHED",
    ClockState.CRITICAL: "CRITICAL",
    ClockState.WARNING: "AT RISK",
    ClockState.PAUSED: "paused",
    ClockState.MET: "met",
    ClockState.OK: "",
}


@dataclass(frozen=True, slots=True)
class ClockWords:
    """One line's clock, in parts so a view can set them on two lines."""

    mark: str  # "▲", "◆", "◇", "❚❚", "☾", "✓" or ""
    which: str  # "RESPONSE" (capitals when breached), "resolution", "" for no SLA
    words: str  # the state: "BREACHED", "AT RISK", "paused until Mon 05:30", …
    amount: str  # "22m ago", "by 22m", "46m left", "" when met
    state: ClockState | None  # what colours it; None: no SLA

    @property
    def heading(self) -> str:
        """Which clock and its state: "RESPONSE BREACHED", "resolution paused"."""
        return " ".join(p for p in (self.which, self.words) if p)

    @property
    def figure(self) -> str:
        """The mark and the amount: "▲ 22m ago"."""
        return " ".join(p for p in (self.mark, self.amount) if p)

    @property
    def text(self) -> str:
        """The whole line: "▲ RESPONSE BREACHED 22m ago"."""
        return " ".join(p for p in (self.mark, self.heading, self.amount) if p)


NO_SLA = ClockWords("", "", "no SLA", "", None)


def shown_clock(row: BoardRow, now: datetime) -> tuple[str, SlaClock] | None:
    """The clock a wall line speaks of, with its name: a breached one (running before
    stopped, response before resolution), else the running one due first, else
    resolution, else response."""
    named = [(n, c) for n, c in (("response", row.response), ("resolution", row.resolution)) if c]
    breached = [(n, c) for n, c in named if c.state(now) is ClockState.BREACHED]
    if breached:
        return min(breached, key=lambda nc: nc[1].stopped_at is not None)
    running = [(n, c) for n, c in named if c.stopped_at is None]
    if running:
        return min(running, key=lambda nc: nc[1].due_at)
    return named[-1] if named else None


def clock_words(
    row: BoardRow, now: datetime, thresholds: SlaThresholds = DEFAULT_THRESHOLDS
) -> ClockWords:
    shown = shown_clock(row, now)
    if shown is None:
        return NO_SLA
    name, clock = shown
    remaining, state, _ = clock.reading(now, thresholds)
    left = f"{duration(remaining)} left"
    mark = STATE_MARKS.get(state, "")
    if state is ClockState.BREACHED:
        over = f"by {duration(remaining)}" if clock.stopped_at else f"{duration(remaining)} ago"
        return ClockWords(mark, name.upper(), STATE_WORDS[state], over, state)
    if state is ClockState.MET:
        return ClockWords(mark, name, STATE_WORDS[state], "", state)
    if clock.running and not clock.calendar.is_open(now):
        opens = clock.calendar.add_business_time(now, timedelta(0))
        return ClockWords(OFF_HOURS, name, f"paused until {day_time(opens, now)}", left, state)
    return ClockWords(mark, name, STATE_WORDS[state], left, state)


def day_time(when: datetime, now: datetime) -> str:
    """Local `05:30` within the next 20 hours, `Mon 05:30` within a week, else
    `02 Dec 05:30`: a time that is not soon never reads as if it were."""
    local = when.astimezone()
    if timedelta(0) <= when - now < timedelta(hours=20):
        return f"{local:%H:%M}"
    if abs(when - now) < timedelta(days=6):
        return f"{local:%a %H:%M}"
    return f"{local:%d %b %H:%M}"
