import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from noc_console.models.board_row import BoardRow
from noc_console.models.cache.store import Store
from noc_console.models.incident import IncidentKey, Priority, Status, Tier
from noc_console.models.sla_clock import SlaClock
from noc_console.services.export import EXPORT_KEYS, export_records, write_export
from tests.conftest import T0
from tests.factories import incident

#: The one form of every exported time: ISO 8601, UTC, whole seconds.
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
TIME_KEYS = ("created_at", "updated_at", "response_due", "resolution_due")


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


def test_sub_seconds_are_dropped_so_every_source_exports_one_form(store: Store) -> None:
    """Issue 15: Autotask's `…04:38:00.964000Z` next to other rows' whole seconds."""
    stamped = datetime(2026, 11, 25, 4, 38, 0, 964000, tzinfo=UTC)
    store.upsert_incidents([incident(1, created_at=stamped, updated_at=stamped)])
    (record,) = export_records(store.open_rows(), T0)
    assert (record["created_at"], record["updated_at"]) == ("2026-11-25T04:38:00Z",) * 2
    assert all(TIME.fullmatch(str(record[k])) for k in TIME_KEYS)


# hypothesis takes naive bounds and attaches the zone itself; years 2–9998 keep every
# instant representable in UTC
aware = st.datetimes(
    datetime(2, 1, 1),  # noqa: DTZ001
    datetime(9998, 12, 31),  # noqa: DTZ001
    timezones=st.timezones(),
)


@settings(max_examples=200, deadline=None)
@given(created=aware, updated=aware, response=aware, resolution=aware)
def test_every_exported_time_has_one_form_for_any_aware_datetime(
    created: datetime, updated: datetime, response: datetime, resolution: datetime
) -> None:
    row = BoardRow(
        IncidentKey("autotask", "1"), "acme", "Acme", "Disk full", Status.NEW, Priority.P2,
        Tier.L1, None, created, updated, SlaClock(response, timedelta(hours=1)),
        SlaClock(resolution, timedelta(hours=4)), None, 2, 2, updated,
    )  # fmt: skip
    (record,) = export_records([row], T0)
    for key, value in zip(TIME_KEYS, (created, updated, response, resolution), strict=True):
        text = str(record[key])
        assert TIME.fullmatch(text), text
        instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
        assert timedelta(0) <= value - instant < timedelta(seconds=1)  # truncated, not rounded
    out = io.StringIO()
    write_export([record], "csv", out)
    (line,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert all(TIME.fullmatch(line[k]) for k in TIME_KEYS)
