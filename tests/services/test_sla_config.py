from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from noc_console.models.errors import ConfigError
from noc_console.models.incident import Priority, Status, Tier
from noc_console.services.config import load_config

EXAMPLE = """
[sla]
warning_at = 0.6
critical_at = 0.8

[sla.calendars.law-firm-ny]
timezone = "America/New_York"
hours = { weekdays = "08:00-12:00, 13:00-18:00", sat = "09:00-12:00" }
country = "US"
subdivision = "NY"
holidays = [2026-12-24]

[sla.contracts.Legal]
calendar = "law-firm-ny"
pausing_statuses = ["waiting_customer"]
P1 = { response = "15m", resolution = "4h", business_hours = false }
P2 = { response = "1h", resolution = "1d" }
P3 = { response = "4h", resolution = "3d" }
P4 = { response = "1d", resolution = "5d" }

[clients.contoso-legal]
contract = "Legal"

[priority_matrix]
impact_3 = ["P2", "P4", "P4"]

[escalation]
on_breach = false
P1 = { L1 = "10m", L2 = "20m" }

[major_incident]
priority = "P2"
open_for = "30m"
"""


def load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_worked_example_from_the_docs(tmp_path: Path) -> None:
    config = load(tmp_path, EXAMPLE)
    sla = config.sla  # type: ignore[attr-defined]
    assert (sla.policy.thresholds.warning_at, sla.policy.thresholds.critical_at) == (0.6, 0.8)
    terms = sla.policy.terms("contoso-legal", "Gold")
    assert terms.contract.name == "Legal"
    assert terms.calendar.name == "law-firm-ny"
    assert terms.contract.pausing_statuses == {Status.WAITING_CUSTOMER}
    calendar = terms.calendar
    assert calendar.is_holiday(date(2026, 12, 24))
    assert calendar.is_holiday(date(2026, 12, 25))  # from the US-NY public holidays
    # Friday 17:00 New York + 2 business hours: 1 h on Friday, 1 h on Saturday morning.
    friday_5pm = datetime(2026, 11, 27, 22, tzinfo=UTC)
    assert calendar.add_business_time(friday_5pm, timedelta(hours=2)) == datetime(
        2026, 11, 28, 15, tzinfo=UTC
    )
    assert not terms.contract.target(Priority.P1).resolution.business_hours
    assert terms.contract.target(Priority.P2).resolution.duration == timedelta(days=1)
    assert sla.matrix[(3, 1)] is Priority.P2
    assert sla.matrix[(1, 1)] is Priority.P1  # rows not given keep the defaults
    assert sla.escalation.rules[Priority.P1] == {
        Tier.L1: timedelta(minutes=10), Tier.L2: timedelta(minutes=20)
    }  # fmt: skip
    assert sla.escalation.on_breach is False
    assert sla.major_incident.priority is Priority.P2
    assert sla.major_incident.open_for == timedelta(minutes=30)


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("[sla]\nwarning_at = 2", "sla.warning_at", "number from"),
        ("[sla]\nwarning_at = 0.9\ncritical_at = 0.8", "sla.warning_at", "not be above"),
        ("[sla.calendars.x]\nhours = {}", "sla.calendars.x.timezone", "is required"),
        ("[sla.calendars.x]\ntimezone = 'Mars/Base'", "sla.calendars.x", "unknown time zone"),
        ("[sla.calendars.x]\ntimezone = 'UTC'\nhours = {}", "sla.calendars.x", "no business hours"),
        ("[sla.calendars.x]\ntimezone = 'UTC'\nhours = { funday = '09:00-17:00' }",
         "sla.calendars.x.hours.funday", "is not a day"),
        ("[sla.calendars.x]\ntimezone = 'UTC'\nhours = { mon = '9 to 5' }",
         "sla.calendars.x.hours.mon", "not an interval"),
        ("[sla.calendars.x]\ntimezone = 'UTC'\nhours = { mon = '09:00-25:00' }",
         "sla.calendars.x.hours.mon", "not a time of day"),
        ("[sla.calendars.x]\ntimezone = 'UTC'\nhours = { mon = '09:00-17:00' }\nholidays = ['x']",
         "sla.calendars.x.holidays", "list of dates"),
        ("[sla.contracts.C]\ncalendar = 'nope'", "sla.contracts.C.calendar", "no calendar named"),
        ("[sla.contracts.C]\nP1 = { response = '1h', resolution = '2h' }",
         "sla.contracts.C.P2", "every contract gives targets"),
        ("[sla.contracts.C]\nP1 = { response = 'soon', resolution = '2h' }",
         "sla.contracts.C.P1.response", "must be a duration"),
        ("[sla.contracts.C]\npausing_statuses = ['napping']",
         "sla.contracts.C.pausing_statuses[0]", "'napping' is not one of"),
        ("[clients.acme]\ncontract = 'Platinum'", "clients.acme.contract", "no contract named"),
        ("[clients.acme]\ncalendar = 'mars'", "clients.acme.calendar", "no calendar named"),
        ("[clients.acme]\ncolour = 'red'", "clients.acme.colour", "unknown key"),
        ("[priority_matrix]\nimpact_1 = ['P1', 'P2']", "priority_matrix.impact_1", "three"),
        ("[priority_matrix]\nimpact_1 = ['P1', 'P2', 'P9']", "priority_matrix.impact_1[2]", "'P9'"),
        ("[escalation]\nP1 = { L4 = '1h' }", "escalation.P1.L4", "unknown key"),
        ("[escalation]\non_breach = 'yes'", "escalation.on_breach", "true or false"),
        ("[major_incident]\nopen_for = 15", "major_incident.open_for", "must be a duration"),
    ],
)  # fmt: skip
def test_errors_name_file_key_and_problem(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    assert caught.value.path == str(tmp_path / "config.toml")
    assert caught.value.key == key
    assert problem in caught.value.problem


def test_the_worked_example_paused_p2_is_due_monday_0930(tmp_path: Path) -> None:
    """The numbers docs/sla.md promises, through the store as the board sees them."""
    from noc_console.models.cache.store import Store
    from noc_console.models.incident import Client, IncidentKey
    from tests.factories import incident

    config = load(tmp_path, EXAMPLE)
    store = Store.open(f"sqlite:///{tmp_path / 'cache.sqlite3'}", config.sla.policy)  # type: ignore[attr-defined]
    ny = ZoneInfo("America/New_York")
    friday_5pm = datetime(2026, 11, 27, 17, tzinfo=ny)
    store.upsert_clients([Client("contoso-legal", "Contoso Legal")])
    base = {"client_id": "contoso-legal", "priority": Priority.P2, "created_at": friday_5pm}
    store.upsert_incidents([incident(1, **base)])
    (row,) = store.open_rows()
    assert row.response is not None
    assert row.response.due_at == datetime(2026, 11, 27, 18, tzinfo=ny)
    store.upsert_incidents([incident(1, **base, status=Status.WAITING_CUSTOMER, version="2",
                                     updated_at=friday_5pm + timedelta(minutes=30))])  # fmt: skip
    store.upsert_incidents([incident(1, **base, status=Status.IN_PROGRESS, version="3",
                                     updated_at=datetime(2026, 11, 30, 9, tzinfo=ny))])  # fmt: skip
    (row,) = store.rows([IncidentKey("test", "T-1")])
    assert row.response is not None
    assert row.response.due_at == datetime(2026, 11, 30, 9, 30, tzinfo=ny)
    store.close()
