from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from noc_console.models.clock import ManualClock, ScaledClock
from noc_console.models.sla_clock import ClockState, SlaClock
from tests.conftest import T0

HOUR = timedelta(hours=1)


def clock(**fields: object) -> SlaClock:
    values: dict[str, object] = {"due_at": T0 + HOUR, "target": HOUR}
    values.update(fields)
    return SlaClock(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("elapsed_minutes", "state"),
    [(0, ClockState.OK), (44, ClockState.OK), (45, ClockState.WARNING),
     (53, ClockState.WARNING), (54, ClockState.CRITICAL), (59, ClockState.CRITICAL),
     (60, ClockState.BREACHED), (90, ClockState.BREACHED)],
)  # fmt: skip
def test_states_follow_the_share_of_target_used(elapsed_minutes: int, state: ClockState) -> None:
    now = T0 + timedelta(minutes=elapsed_minutes)
    assert clock().state(now) is state


def test_paused_clock_freezes_remaining_time() -> None:
    paused = clock(paused_since=T0 + timedelta(minutes=20))
    assert paused.remaining(T0 + timedelta(hours=5)) == timedelta(minutes=40)
    assert paused.state(T0 + timedelta(hours=5)) is ClockState.PAUSED


def test_paused_after_breach_is_still_breached() -> None:
    paused = clock(paused_since=T0 + timedelta(minutes=70))
    assert paused.state(T0 + timedelta(hours=5)) is ClockState.BREACHED


def test_stopped_in_time_is_met_and_late_is_breached() -> None:
    assert clock(stopped_at=T0 + timedelta(minutes=59)).state(T0 + 3 * HOUR) is ClockState.MET
    late = clock(stopped_at=T0 + timedelta(minutes=61))
    assert late.state(T0 + 3 * HOUR) is ClockState.BREACHED
    assert late.remaining(T0 + 3 * HOUR) == -timedelta(minutes=1)


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=600))
def test_fraction_used_grows_with_time(a: int, step: int) -> None:
    running = clock()
    early = running.fraction_used(T0 + timedelta(seconds=a))
    later = running.fraction_used(T0 + timedelta(seconds=a + step))
    assert later > early


def test_manual_and_scaled_clocks() -> None:
    manual = ManualClock(T0)
    manual.advance(HOUR)
    assert manual.now() == T0 + HOUR
    scaled = ScaledClock(60.0, base=manual)
    manual.advance(timedelta(seconds=2))
    assert scaled.now() == T0 + HOUR + timedelta(minutes=2)
    with pytest.raises(ValueError, match="naive"):
        ManualClock(T0.replace(tzinfo=None))


@given(
    st.integers(min_value=-7200, max_value=14_400),
    st.sampled_from(["running", "paused", "stopped", "zero"]),
    st.integers(min_value=0, max_value=7200),
)
def test_a_reading_agrees_with_remaining_state_and_share(at: int, kind: str, mark: int) -> None:
    """The board reads all three at once; they must be what the three calls say."""
    moment = T0 + timedelta(seconds=mark)
    kinds: dict[str, dict[str, object]] = {
        "running": {},
        "paused": {"paused_since": moment},
        "stopped": {"stopped_at": moment},
        "zero": {"target": timedelta(0)},
    }
    subject = clock(**kinds[kind])
    now = T0 + timedelta(seconds=at)
    assert subject.reading(now) == (
        subject.remaining(now),
        subject.state(now),
        subject.fraction_used(now),
    )
