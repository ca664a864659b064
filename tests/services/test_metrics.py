"""The metrics engine (issue 22 item 1) on a hand-computed month (tests/services/
metrics_month.py) and, with hypothesis, on generated histories."""

from __future__ import annotations

import random
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from noc_console.models.cache.store import Store
from noc_console.models.incident import Client, Incident, Priority, Status, Tier
from noc_console.services.metrics import (
    Grouping,
    Measures,
    Period,
    Step,
    Tally,
    client_table,
    measure,
    snapshot,
    trend,
)
from tests.services.metrics_month import EXPECTED, NOW, at, fill, history

NOVEMBER = Period.month("2026-11")


def close(tally: Tally, expected: dict[str, float]) -> None:
    for name, value in expected.items():
        assert getattr(tally, name) == pytest.approx(value, abs=0.01), name


def test_each_clients_tally_is_the_hand_computed_one(store: Store) -> None:
    fill(store)
    found = measure(store, NOVEMBER, NOW)
    assert set(found) == {"acme", "beta"}
    for client, expected in EXPECTED.items():
        close(found[client].tally, expected)


def test_the_formulas_give_the_hand_computed_figures(store: Store) -> None:
    fill(store)
    acme = measure(store, NOVEMBER, NOW)["acme"]
    assert acme.mtta == timedelta(minutes=20)  # (10 + 45 + 5) / 3
    assert acme.mttr == timedelta(hours=(2 + 6 + 2 + 124) / 4)
    assert acme.response_compliance == pytest.approx(2 / 3)
    assert acme.resolution_compliance == pytest.approx(2 / 4)
    assert acme.compliance == pytest.approx(4 / 7)
    assert acme.breaches == 3
    assert acme.first_contact_rate == pytest.approx(2 / 4)
    assert acme.escalation_rate == pytest.approx(1 / 4)
    assert acme.reopen_rate == pytest.approx(1 / 4)
    assert acme.recurrence_rate == pytest.approx(1 / 3)
    beta = measure(store, NOVEMBER, NOW)["beta"]
    assert beta.mttr == timedelta(hours=90)
    assert beta.mttr_business == timedelta(hours=14)  # office hours, not the weekend
    assert beta.compliance == pytest.approx(2 / 4)


def test_a_paused_stretch_is_not_counted_as_time_to_resolve(store: Store) -> None:
    fill(store, [history()[2]])  # A3: 4 h open, 2 h of it waiting on the customer
    a3 = measure(store, NOVEMBER, NOW)["acme"]
    assert a3.mttr == timedelta(hours=2)
    assert a3.mttr_business == timedelta(hours=2)


def test_groupings_split_the_same_total(store: Store) -> None:
    fill(store)
    whole = sum((m.tally for m in measure(store, NOVEMBER, NOW).values()), Tally())
    for grouping in Grouping:
        parts = measure(store, NOVEMBER, NOW, grouping)
        assert sum((m.tally for m in parts.values()), Tally()) == whole, grouping
    assert set(measure(store, NOVEMBER, NOW, Grouping.CONTRACT)) == {"Gold", "Standard"}
    by_priority = measure(store, NOVEMBER, NOW, Grouping.PRIORITY)
    assert by_priority["P4"].reopen_rate == 1.0  # A4 is the only P4
    assert measure(store, NOVEMBER, NOW, Grouping.TIER)["L2"].first_contact_rate == 0.0


def test_one_clients_measures_leave_the_others_out(store: Store) -> None:
    fill(store)
    only = measure(store, NOVEMBER, NOW, Grouping.PRIORITY, client_id="beta")
    close(sum((m.tally for m in only.values()), Tally()), EXPECTED["beta"])


def test_a_clock_still_running_is_not_decided_until_it_runs_out(store: Store) -> None:
    fill(store, [history()[5]])  # B2: response due 20 Nov 10:00, resolution 17:00
    before = measure(store, NOVEMBER, at(20, 9, 30))["beta"]
    assert before.compliance is None
    assert before.breaches == 0
    between = measure(store, NOVEMBER, at(20, 12))["beta"]
    assert (between.tally.response_breached, between.tally.resolution_breached) == (1, 0)
    assert measure(store, NOVEMBER, NOW)["beta"].breaches == 2


def test_client_table_lists_quiet_clients_with_empty_measures(store: Store) -> None:
    fill(store)
    store.upsert_clients([Client("calm", "Calm Co", "Bronze")])
    lines = client_table(store, NOVEMBER, NOW)
    assert [line.client_id for line in lines] == ["acme", "beta", "calm"]
    calm = lines[2].measures
    assert calm.opened == 0
    assert calm.mtta is None
    assert calm.compliance is None


def test_trend_points_add_up_to_the_period_and_carry_the_backlog(store: Store) -> None:
    fill(store)
    whole = sum((m.tally for m in measure(store, NOVEMBER, NOW).values()), Tally())
    for step, count in ((Step.DAY, 30), (Step.WEEK, 6), (Step.MONTH, 1)):
        points = trend(store, NOVEMBER, NOW, step)
        assert len(points) == count
        assert sum((p.measures.tally for p in points), Tally()) == whole
        assert points[0].period.start == NOVEMBER.start
        assert points[-1].period.end == NOVEMBER.end
    days = {p.period.start.day: p for p in trend(store, NOVEMBER, NOW, Step.DAY)}
    assert days[1].backlog == 1  # A4, raised in October, resolved (last) on 5 Nov
    assert days[2].measures.opened == 1
    assert days[2].backlog == 1
    assert days[5].backlog == 0
    assert days[5].measures.resolved == 1
    assert days[30].backlog == 2  # B2 and B3 still open


def test_snapshot_holds_the_views_figures(store: Store) -> None:
    fill(store)
    view = snapshot(store, NOVEMBER, NOW)
    assert view.total.opened == 6
    assert view.total.resolved == 5
    assert [line.name for line in view.clients] == ["Acme Ltd", "Beta GmbH"]
    assert (len(view.daily), len(view.weekly), len(view.monthly)) == (30, 6, 1)
    assert view.monthly[0].measures == view.total


def test_periods_are_named_and_refused_as_people_write_them() -> None:
    assert NOVEMBER.label == "2026-11"
    assert Period.month("2026-12").start == at(1, 0, month=12)
    assert Period.month("2026-12").end.year == 2027
    for bad in ("2026-13", "Nov 2026", "2026-1", ""):
        with pytest.raises(ValueError, match="YYYY-MM"):
            Period.month(bad)
    assert NOVEMBER.is_future(at(1, 0, month=10))
    assert not NOVEMBER.is_future(NOW)
    assert NOVEMBER.previous() == Period(at(1, 0, month=10) + timedelta(days=1), NOVEMBER.start)


# ----------------------------------------------------------------- properties

_minutes = st.integers(min_value=1, max_value=3 * 24 * 60)


@st.composite
def month_of_incidents(draw: st.DrawFn) -> list[Incident]:
    """Resolved incidents of three clients raised in November."""
    count = draw(st.integers(min_value=1, max_value=12))
    made = []
    for n in range(count):
        created = NOVEMBER.start + timedelta(minutes=draw(st.integers(0, 20 * 24 * 60)))
        answered = created + timedelta(minutes=draw(_minutes))
        resolved = answered + timedelta(minutes=draw(_minutes))
        made.append(Incident(
            source="gen", external_id=str(n), client_id=draw(st.sampled_from(["a", "b", "c"])),
            title=draw(st.sampled_from(["Disk full on 1", "VPN down", "Printer jam"])),
            status=Status.RESOLVED, priority=draw(st.sampled_from(list(Priority))),
            tier=draw(st.sampled_from(list(Tier))), created_at=created, updated_at=resolved,
            responded_at=answered, resolved_at=resolved, version="1",
        ))  # fmt: skip
    return made


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated cache with the three clients, copied for each example (migrating a
    new file each time would be most of these tests' time)."""
    path = tmp_path_factory.mktemp("template") / "cache.sqlite3"
    store = Store.open(f"sqlite:///{path}")
    store.upsert_clients([Client(c, c.upper(), "Gold") for c in "abc"])
    store.close()
    return path


def fresh(template: Path, folder: Path, name: str) -> Store:
    copy = folder / f"{name}.sqlite3"
    shutil.copyfile(template, copy)
    return Store.open(f"sqlite:///{copy}")


_SETTINGS = settings(max_examples=25, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip


@_SETTINGS
@given(month_of_incidents(), st.randoms(use_true_random=False))
def test_measures_do_not_depend_on_the_order_records_arrive_in(
    template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    incidents: list[Incident],
    rng: random.Random,
) -> None:
    folder = tmp_path_factory.mktemp("order")
    shuffled = list(incidents)
    rng.shuffle(shuffled)
    results = []
    for name, order in (("given", incidents), ("shuffled", shuffled)):
        store = fresh(template, folder, name)
        for incident in order:  # one page each: the order reaches the store
            store.upsert_incidents([incident])
        results.append(measure(store, NOVEMBER, NOW, Grouping.PRIORITY))
        store.close()
    assert {k: _rounded(m) for k, m in results[0].items()} == {
        k: _rounded(m) for k, m in results[1].items()
    }


@_SETTINGS
@given(month_of_incidents())
def test_compliance_is_complete_when_every_clock_is_met(
    template: Path, tmp_path_factory: pytest.TempPathFactory, incidents: list[Incident]
) -> None:
    store = fresh(template, tmp_path_factory.mktemp("met"), "met")
    # Due dates from the source, each a minute after its clock stopped: every clock met.
    store.upsert_incidents([
        i.evolve(response_due=i.responded_at + timedelta(minutes=1),
                 resolution_due=i.resolved_at + timedelta(minutes=1))
        for i in incidents if i.responded_at and i.resolved_at
    ])  # fmt: skip
    for found in measure(store, NOVEMBER, NOW).values():
        assert found.compliance == 1.0
        assert found.breaches == 0
    store.close()


@_SETTINGS
@given(month_of_incidents())
def test_compliance_is_nil_when_every_clock_is_missed(
    template: Path, tmp_path_factory: pytest.TempPathFactory, incidents: list[Incident]
) -> None:
    store = fresh(template, tmp_path_factory.mktemp("missed"), "missed")
    store.upsert_incidents([
        i.evolve(response_due=i.responded_at - timedelta(seconds=1),
                 resolution_due=i.resolved_at - timedelta(seconds=1))
        for i in incidents if i.responded_at and i.resolved_at
    ])  # fmt: skip
    for found in measure(store, NOVEMBER, NOW).values():
        assert found.compliance == 0.0
        assert found.breaches == 2 * found.resolved
    store.close()


@given(st.lists(st.builds(Tally, opened=st.integers(0, 9), resolved=st.integers(0, 9),
                          resolution_s=st.floats(0, 1e6)), max_size=5))  # fmt: skip
def test_tallies_add_up_in_any_order(parts: list[Tally]) -> None:
    forwards = sum(parts, Tally())
    backwards = sum(reversed(parts), Tally())
    assert forwards.opened == backwards.opened
    assert forwards.resolved == backwards.resolved
    assert forwards.resolution_s == pytest.approx(backwards.resolution_s)


def _rounded(m: Measures) -> tuple[object, ...]:
    return (m.opened, m.resolved, m.mtta, m.mttr, m.mttr_business, m.compliance, m.breaches,
            m.first_contact_rate, m.recurrence_rate)  # fmt: skip


def test_postgresql_gives_the_same_tallies(pg_url: str) -> None:
    """Team mode keeps the cache in PostgreSQL: its SQL (days, windows, integer days)
    must add up the hand-computed month as SQLite does."""
    from noc_console.models.cache.database import upgrade

    upgrade(pg_url)
    shared = Store.open(pg_url)
    try:
        fill(shared)
        found = measure(shared, NOVEMBER, NOW)
        for client, expected in EXPECTED.items():
            close(found[client].tally, expected)
        days = trend(shared, NOVEMBER, NOW, Step.DAY)
        assert sum(p.measures.tally.recurred for p in days) == 2
        assert days[2].measures.tally.recurred == 1  # A2 on 3 November
    finally:
        shared.close()
