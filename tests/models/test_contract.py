from datetime import time, timedelta

import pytest

from noc_console.models.contract import (
    DEFAULT_CALENDARS,
    DEFAULT_CONTRACTS,
    DEFAULT_POLICY,
    ClientOverride,
    ClockTarget,
    SlaContract,
    SlaPolicy,
    SlaTarget,
)
from noc_console.models.incident import Priority
from noc_console.models.sla import TWENTY_FOUR_SEVEN, BusinessCalendar, office_hours


def test_default_response_targets_follow_the_guidance() -> None:
    standard = DEFAULT_CONTRACTS["Standard"]
    assert [standard.target(p).response.duration for p in Priority] == [
        timedelta(minutes=15), timedelta(hours=1), timedelta(hours=4), timedelta(hours=24)
    ]  # fmt: skip


def test_every_default_contract_is_stricter_for_higher_priorities() -> None:
    for contract in DEFAULT_CONTRACTS.values():
        targets = [contract.target(p) for p in Priority]
        keys = [(t.response.duration, t.resolution.duration) for t in targets]
        assert keys == sorted(keys)


def test_gold_runs_around_the_clock_and_standard_p1_too() -> None:
    assert all(not DEFAULT_CONTRACTS["Gold"].target(p).response.business_hours for p in Priority)
    standard = DEFAULT_CONTRACTS["Standard"]
    assert not standard.target(Priority.P1).resolution.business_hours
    assert standard.target(Priority.P2).resolution.business_hours


def test_a_contract_must_cover_every_priority() -> None:
    one = ClockTarget(timedelta(hours=1))
    with pytest.raises(ValueError, match="P4"):
        SlaContract("partial", {p: SlaTarget(one, one) for p in list(Priority)[:3]})


def test_terms_prefer_configuration_then_the_source_then_the_fallback() -> None:
    berlin = BusinessCalendar("Europe/Berlin", office_hours(time(9), time(17)), name="berlin")
    policy = SlaPolicy(
        DEFAULT_CONTRACTS,
        DEFAULT_CALENDARS,
        clients={"acme": ClientOverride(contract="Bronze", calendar=berlin)},
    )
    configured = policy.terms("acme", "Gold", "uk-office")
    assert (configured.contract.name, configured.calendar) == ("Bronze", berlin)
    hinted = policy.terms("other", "Gold", "uk-office")
    assert (hinted.contract.name, hinted.calendar.name) == ("Gold", "uk-office")
    unknown = policy.terms("other", "Platinum")
    assert unknown.contract.name == "Standard"
    assert unknown.calendar.name == "office-utc"


def test_around_the_clock_targets_ignore_the_client_calendar() -> None:
    terms = DEFAULT_POLICY.terms("x", "Standard", "uk-office")
    p1 = terms.contract.target(Priority.P1)
    p3 = terms.contract.target(Priority.P3)
    assert terms.calendar_for(p1.response) is TWENTY_FOUR_SEVEN
    assert terms.calendar_for(p3.response).name == "uk-office"
