"""How an SLA compliance figure is coloured: by the board's own SLA thresholds.

A clock turns amber once it has used `warning_at` of its target and deep orange at
`critical_at` (75 % and 90 % by default). A compliance figure reads the same two
shares as floors: at or above `critical_at` it is on target (the quiet green of a met
clock), from `warning_at` up to it amber, below `warning_at` the breached red. One
setting (`[sla] warning_at` / `critical_at`) moves the board and the metrics together.
Every colour comes with words and a mark, never colour alone.
"""

from __future__ import annotations

from noc_console.models.clock_text import STATE_MARKS
from noc_console.models.sla_clock import ClockState, SlaThresholds
from noc_console.views.theme import state_colours, tokens


def compliance_state(value: float | None, thresholds: SlaThresholds) -> ClockState | None:
    """MET (on target), WARNING or BREACHED; None when no clock was decided."""
    if value is None:
        return None
    if value >= thresholds.critical_at:
        return ClockState.MET
    if value >= thresholds.warning_at:
        return ClockState.WARNING
    return ClockState.BREACHED


def percent(value: float | None) -> str:
    """`93.1 %`, `100 %`, or `—` when there was nothing to divide."""
    if value is None:
        return "—"
    if value >= 1:
        return "100 %"
    return f"{value * 100:.1f} %"


def compliance_words(value: float | None, thresholds: SlaThresholds) -> str:
    """What the colour says, in words: `✓ on target`, `◇ below 90 %`, `▲ below 75 %`."""
    state = compliance_state(value, thresholds)
    if state is None:
        return "no clock decided"
    if state is ClockState.MET:
        return f"{STATE_MARKS[state]} on target"
    floor = thresholds.critical_at if state is ClockState.WARNING else thresholds.warning_at
    return f"{STATE_MARKS[state]} below {floor * 100:g} %"


def compliance_colours(value: float | None, thresholds: SlaThresholds) -> tuple[str | None, str]:
    """(background or None, text) for a compliance figure in the theme in use."""
    state = compliance_state(value, thresholds)
    pair = state_colours().get(state) if state is not None else None
    if pair is None:
        return (None, tokens()["muted"])
    return pair


def compliance_text(value: float | None, thresholds: SlaThresholds) -> str:
    """The figure with its band's mark, so the colour is never alone: `▲ 57.1 %`."""
    state = compliance_state(value, thresholds)
    return percent(value) if state is None else f"{STATE_MARKS[state]} {percent(value)}"
