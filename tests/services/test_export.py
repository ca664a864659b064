import csv
import io
import json
from datetime import timedelta

import pytest

from noc_console.models.incident import Priority, Status
from noc_console.models.store import Store
from noc_console.services.export import EXPORT_KEYS, export_records, write_export
from tests.conftest import T0
from tests.factories import incident


@pytest.fixture
def records(store: Store) -> list[dict[str, object]]:
    store.upsert_incidents(
        [
            incident(1, priority=Priority.P1, created_at=T0 - timedelta(hours=1)),
            incident(2, status=Status.WAITING_CUSTOMER, responded_at=T0 - timedelta(minutes=9)),
            incident(3, status=Status.CLOSED),
        ]
    )
    return export_records(store.open_rows(), T0)


def test_json_has_the_stable_keys_and_states(records: list[dict[str, object]]) -> None:
    out = io.StringIO()
    write_export(records, "json", out)
    parsed = json.loads(out.getvalue())
    assert [tuple(r) for r in parsed] == [tuple(EXPORT_KEYS)] * 2
    by_id = {r["external_id"]: r for r in parsed}
    assert by_id["T-1"]["response_state"] == "breached"
    assert by_id["T-1"]["created_at"] == "2026-11-25T13:00:00Z"
    assert by_id["T-2"]["response_state"] == "met"
    assert by_id["T-2"]["resolution_state"] == "paused"
    assert "T-3" not in by_id


def test_csv_has_a_header_and_one_line_per_incident(records: list[dict[str, object]]) -> None:
    out = io.StringIO()
    write_export(records, "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 2
    assert tuple(rows[0]) == tuple(EXPORT_KEYS)
