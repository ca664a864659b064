"""Short, fixed-shape texts for SLA clocks and durations (board cells, handover reports)."""

from __future__ import annotations

from datetime import timedelta

from noc_console.models.sla_clock import ClockState


def duration(value: timedelta) -> str:
    """`4d 03h`, `2h 05m`, `12m 30s`, `45s` — two units, the larger first."""
    seconds = int(abs(value.total_seconds()))
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {seconds:02d}s"
    return f"{seconds}s"


def age(value: timedelta) -> str:
    """`4d 03h`, `2h 05m`, `12m`, `<1m` — to the minute: an age is shown again as the
    minute turns, so seconds would stand still while they claimed to count."""
    if value < timedelta(minutes=1):
        return "<1m"
    if value < timedelta(hours=1):
        return f"{int(value.total_seconds()) // 60}m"
    return duration(value)


#: Marks a running clock whose calendar is closed now (nights, weekends, holidays).
OFF_HOURS = "☾"

#: The shape beside each SLA state's colour (board cells, wall lines), so no state is
#: told by colour alone: under a colour-vision deficiency red, orange and amber merge.
STATE_MARKS: dict[ClockState, str] = {
    ClockState.BREACHED: "▲",
    ClockState.CRITICAL: "◆",
    ClockState.WARNING: "◇",
    ClockState.PAUSED: "❚❚",
    ClockState.MET: "✓",
}


def countdown(
    remaining: timedelta, state: ClockState, stopped: bool = False, off_hours: bool = False
) -> str:
    """The text of an SLA cell; it names the state so colour is never the only cue."""
    if state is ClockState.MET:
        return "met"
    if state is ClockState.BREACHED and stopped:
        return f"late {duration(remaining)}"
    if state is ClockState.BREACHED:
        return f"-{duration(remaining)}"
    if state is ClockState.PAUSED:
        return f"paused {duration(remaining)}"
    if off_hours:
        return f"{OFF_HOURS} {duration(remaining)}"
    return duration(remaining)
