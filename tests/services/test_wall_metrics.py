"""The wall's metrics page figures, on the hand-computed November
(tests/services/metrics_month.py) as seen on Tuesday 10 November at 20:00."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from noc_console.models.cache.store import Store
from noc_console.services.wall.metrics_summary import wall_metrics
from noc_console.services.wall.scope import ClientScope
from tests.services import metrics_month

TUESDAY = datetime(2026, 11, 10, 20, tzinfo=UTC)
_: float | None = None  # a day with no clock decided


@pytest.fixture
def november(store: Store) -> Store:
    metrics_month.fill(store)
    return store


def test_today_against_last_week(november: Store) -> None:
    m = wall_metrics(november, TUESDAY, ClientScope(), tiles=5)
    # Today: A3 raised (answered in 5 min) and resolved in 2 h; B1 resolved after 90 h.
    assert (m.today.opened, m.today.resolved) == (1, 2)
    assert m.today.mtta == timedelta(minutes=5)
    assert m.today.mttr == timedelta(hours=46)
    # 3–9 November: A2 (answered in 45 min, resolved in 6 h), B1 (answered in 1 h),
    # A4 resolved after 124 h of its clock (the days it sat resolved are paused).
    assert (m.last_week.opened, m.last_week.resolved) == (2, 2)
    assert m.last_week.mtta == timedelta(minutes=52, seconds=30)
    assert m.last_week.mttr == timedelta(hours=65)


def test_tiles_worst_first_with_a_day_by_day_sparkline(november: Store) -> None:
    acme, beta = wall_metrics(november, TUESDAY, ClientScope(), tiles=5).clients
    # 4–10 November: acme met A3's two clocks and missed A4's resolution.
    assert (acme.name, acme.breaches) == ("Acme Ltd", 1)
    assert acme.compliance == pytest.approx(2 / 3)
    assert (beta.name, beta.compliance, beta.breaches) == ("Beta GmbH", 1.0, 0)
    # 28 October – 10 November, one point a day: A1 met (2nd), A2 missed (3rd), A4
    # missed (5th), A3 met (10th).
    assert acme.daily == (_, _, _, _, _, 1.0, 0.0, _, 0.0, _, _, _, _, 1.0)
    assert beta.daily == (_, _, _, _, _, _, _, _, _, 1.0, _, _, _, 1.0)


def test_sparklines_only_for_the_tiles_on_screen(november: Store) -> None:
    first, second = wall_metrics(november, TUESDAY, ClientScope(), tiles=1).clients
    assert len(first.daily) == 14
    assert second.daily == ()


def test_a_scoped_wall_adds_up_nobody_elses_incidents(november: Store) -> None:
    m = wall_metrics(november, TUESDAY, ClientScope.parse("beta"), tiles=5)
    assert [c.client_id for c in m.clients] == ["beta"]
    assert (m.today.opened, m.today.resolved, m.today.mtta) == (0, 1, None)
    assert m.today.mttr == timedelta(hours=90)
    assert (m.last_week.opened, m.last_week.resolved) == (1, 0)
    by_name = wall_metrics(november, TUESDAY, ClientScope.parse("Acme Ltd"), tiles=5)
    assert [c.client_id for c in by_name.clients] == ["acme"]
    assert by_name.today.mttr == timedelta(hours=2)
