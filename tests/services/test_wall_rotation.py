from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from noc_console.services.wall.rotation import SHIFT_PATTERN, Rotation, pixel_shift
from tests.conftest import T0

PAGES = ("overview", "deadlines", "queue:breached")
TWENTY = timedelta(seconds=20)


def test_pages_turn_after_the_interval_and_wrap() -> None:
    rotation = Rotation(PAGES, TWENTY, T0)
    assert not rotation.advance(T0 + timedelta(seconds=19))
    assert rotation.page == "overview"
    seen = []
    for step in range(1, 4):
        assert rotation.advance(T0 + step * TWENTY)
        seen.append(rotation.page)
    assert seen == ["deadlines", "queue:breached", "overview"]


def test_pages_with_nothing_to_show_are_passed_over() -> None:
    rotation = Rotation(PAGES, TWENTY, T0)
    assert rotation.advance(T0 + TWENTY, skip={"deadlines"})
    assert rotation.page == "queue:breached"
    assert rotation.advance(T0 + 2 * TWENTY, skip={"deadlines", "queue:breached"})
    assert rotation.page == "overview"
    assert not rotation.advance(T0 + 3 * TWENTY, skip={"deadlines", "queue:breached"})
    assert rotation.page == "overview"  # every other page empty: the overview stays up


def test_a_long_gap_moves_one_page_only() -> None:
    rotation = Rotation(PAGES, TWENTY, T0)
    assert rotation.advance(T0 + timedelta(hours=3))
    assert rotation.page == "deadlines"
    assert not rotation.advance(T0 + timedelta(hours=3, seconds=5))


def test_pause_holds_the_page_and_resume_gives_a_full_interval() -> None:
    rotation = Rotation(PAGES, TWENTY, T0)
    assert rotation.toggle_pause(T0 + timedelta(seconds=10))
    assert not rotation.advance(T0 + timedelta(minutes=10))
    assert rotation.remaining(T0 + timedelta(minutes=10)) == TWENTY
    resumed = T0 + timedelta(minutes=10)
    assert not rotation.toggle_pause(resumed)
    assert not rotation.advance(resumed + timedelta(seconds=19))
    assert rotation.advance(resumed + TWENTY)
    assert rotation.page == "deadlines"


def test_a_single_page_never_turns() -> None:
    rotation = Rotation(("overview",), TWENTY, T0)
    assert not rotation.advance(T0 + timedelta(days=1))


def test_no_pages_or_no_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="page"):
        Rotation((), TWENTY, T0)
    with pytest.raises(ValueError, match="interval"):
        Rotation(PAGES, timedelta(0), T0)


def test_shift_visits_every_position_once_per_cycle() -> None:
    every = timedelta(minutes=5)
    offsets = [pixel_shift(every * i, every, 3) for i in range(len(SHIFT_PATTERN))]
    assert len(set(offsets)) == len(SHIFT_PATTERN)
    assert pixel_shift(every * len(SHIFT_PATTERN), every, 3) == (0, 0)
    assert pixel_shift(every * 4.5, every, 0) == (0, 0)


@given(
    elapsed=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
    every_s=st.integers(min_value=10, max_value=86400),
    amplitude=st.integers(min_value=0, max_value=40),
)
def test_shift_stays_within_the_amplitude(elapsed: timedelta, every_s: int, amplitude: int) -> None:
    dx, dy = pixel_shift(elapsed, timedelta(seconds=every_s), amplitude)
    assert abs(dx) <= amplitude
    assert abs(dy) <= amplitude
    # constant within one step: the picture moves at most once per `every`
    step_start = timedelta(seconds=every_s) * int(elapsed / timedelta(seconds=every_s))
    assert pixel_shift(step_start, timedelta(seconds=every_s), amplitude) == (dx, dy)
