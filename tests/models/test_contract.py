from datetime import timedelta

import pytest

from noc_console.models.contract import DEFAULT_CONTRACTS, SlaContract, SlaTarget, contract_for
from noc_console.models.incident import Priority
from tests.conftest import T0


def test_due_dates_add_targets_and_pause_time() -> None:
    gold = DEFAULT_CONTRACTS["Gold"]
    response, resolution = gold.due_dates(Priority.P1, T0, paused=timedelta(minutes=30))
    assert response == T0 + timedelta(minutes=15 + 30)
    assert resolution == T0 + timedelta(hours=2, minutes=30)


def test_default_response_targets_follow_the_guidance() -> None:
    standard = DEFAULT_CONTRACTS["Standard"]
    assert [standard.target(p).response for p in Priority] == [
        timedelta(minutes=15),
        timedelta(hours=1),
        timedelta(hours=4),
        timedelta(hours=24),
    ]


def test_every_default_contract_is_stricter_for_higher_priorities() -> None:
    for contract in DEFAULT_CONTRACTS.values():
        targets = [contract.target(p) for p in Priority]
        assert targets == sorted(targets, key=lambda t: (t.response, t.resolution))


def test_a_contract_must_cover_every_priority() -> None:
    with pytest.raises(ValueError, match="P4"):
        SlaContract(
            "partial", {p: SlaTarget(timedelta(1), timedelta(2)) for p in list(Priority)[:3]}
        )


def test_unknown_contract_names_fall_back_to_standard() -> None:
    assert contract_for("Platinum", DEFAULT_CONTRACTS).name == "Standard"
    assert contract_for("Gold", DEFAULT_CONTRACTS).name == "Gold"
