"""Stored handovers: saved per shift, replaced until acknowledged, then fixed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from noc_console.models.cache.handover_table import HandoverError, SavedHandover
from noc_console.models.cache.store import Store
from noc_console.models.incident import IncidentKey
from tests.conftest import T0

SHIFT_START = T0 - timedelta(hours=8)


def handover(**fields: object) -> SavedHandover:
    values: dict[str, object] = {
        "shift_name": "Early", "shift_start": SHIFT_START, "shift_end": T0,
        "created_at": T0 - timedelta(minutes=5), "author": "Dana", "note": "Quiet shift",
        "notes": {IncidentKey("demo", "DEMO-1001"): "Vendor ticket 4471 open"},
        "html": "<p>handover</p>",
    }  # fmt: skip
    values.update(fields)
    return SavedHandover(**values)  # type: ignore[arg-type]


def test_saved_handover_reads_back_whole(store: Store) -> None:
    saved = store.save_handover(handover())
    assert saved.id > 0
    assert saved == handover(id=saved.id)
    assert store.handovers() == [saved]
    assert store.handover_for("Early", SHIFT_START) == saved
    assert not saved.acknowledged


def test_saving_again_replaces_the_unacknowledged_one(store: Store) -> None:
    first = store.save_handover(handover())
    second = store.save_handover(handover(note="P1 at Northwind still open"))
    assert second.id == first.id
    assert [h.note for h in store.handovers()] == ["P1 at Northwind still open"]


def test_acknowledgement_is_stored_and_freezes_the_handover(store: Store) -> None:
    saved = store.save_handover(handover())
    acked = store.acknowledge_handover(saved.id, "  Sam  ", T0 + timedelta(minutes=2))
    assert (acked.acknowledged_by, acked.acknowledged_at) == ("Sam", T0 + timedelta(minutes=2))
    assert store.handovers()[0].acknowledged
    with pytest.raises(HandoverError, match="acknowledged by Sam"):
        store.save_handover(handover(note="too late"))
    with pytest.raises(HandoverError, match="already acknowledged"):
        store.acknowledge_handover(saved.id, "Alex", T0 + timedelta(minutes=3))


def test_acknowledging_needs_a_name_and_a_handover(store: Store) -> None:
    saved = store.save_handover(handover())
    with pytest.raises(HandoverError, match="name is required"):
        store.acknowledge_handover(saved.id, " ", T0)
    with pytest.raises(HandoverError, match="no handover number 99"):
        store.acknowledge_handover(99, "Sam", T0)


def test_handovers_list_newest_shift_first(store: Store) -> None:
    store.save_handover(handover())
    late = handover(shift_name="Late", shift_start=T0, shift_end=T0 + timedelta(hours=8))
    store.save_handover(late)
    assert [h.shift_name for h in store.handovers()] == ["Late", "Early"]
