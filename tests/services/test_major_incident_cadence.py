"""The client update cadence of a declared major incident: read from `[major_incident]`
(a bad duration names file and key), and the next update due from the record."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from noc_console.models.errors import ConfigError
from noc_console.models.incident import IncidentKey, Priority
from noc_console.models.major_incident import (
    MajorIncident,
    MajorIncidentChild,
    MajorIncidentState,
    UpdateCadence,
    update_clocks,
)
from noc_console.services.config import parse_config
from tests.conftest import T0

MIN = timedelta(minutes=1)


def cadence_of(text: str) -> UpdateCadence:
    return parse_config(f"[major_incident]\n{text}\n", "/etc/noc/noc.toml").sla.cadence


def record(severity: Priority = Priority.P1, number: int = 1, **fields: object) -> MajorIncident:
    child = MajorIncidentChild(IncidentKey("rt", "1"), "acme")
    made = MajorIncident("Carrier outage", severity, "Dana", "Sam", T0, "Dana", ("acme",),
                         (child,), id=number)  # fmt: skip
    return replace(made, **fields)  # type: ignore[arg-type]


def test_the_default_cadence_is_fifteen_minutes_then_30_for_p1_and_60_for_p2() -> None:
    cadence = parse_config("", "noc.toml").sla.cadence
    assert cadence.next_update_due(record()) == T0 + 15 * MIN
    sent = T0 + 10 * MIN
    assert cadence.next_update_due(record(last_update_at=sent)) == sent + 30 * MIN
    assert cadence.next_update_due(record(Priority.P2, last_update_at=sent)) == sent + 60 * MIN


def test_the_configured_cadence_is_used_and_an_unlisted_severity_takes_the_slowest() -> None:
    cadence = cadence_of('update_every = {P1 = "20m", P2 = "45m"}\nfirst_update_within = "5m"')
    assert cadence.next_update_due(record()) == T0 + 5 * MIN
    assert cadence.next_update_due(record(last_update_at=T0)) == T0 + 20 * MIN
    assert cadence.next_update_due(record(Priority.P3, last_update_at=T0)) == T0 + 45 * MIN


def test_a_resolved_major_incident_has_no_update_due() -> None:
    cadence = parse_config("", "noc.toml").sla.cadence
    assert cadence.next_update_due(record(state=MajorIncidentState.RESOLVED)) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('update_every = {P1 = "soon"}',
         r'^/etc/noc/noc.toml: major_incident.update_every.P1: must be a duration like "15m"'),
        ('update_every = {P9 = "30m"}',
         r"major_incident.update_every.P9: is not a severity; use P1, P2, P3, P4$"),
        ('update_every = {P1 = "30s"}', r"major_incident.update_every.P1: must be at least 1m$"),
        ('update_every = "30m"', r"major_incident.update_every: must be a table"),
        ('first_update_within = "soon"', r"major_incident.first_update_within: must be a duration"),
    ],
)  # fmt: skip
def test_a_bad_cadence_names_the_file_and_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        cadence_of(text)
    assert "\n" not in str(raised.value)


def test_clocks_list_the_soonest_due_first_and_say_overdue() -> None:
    cadence = parse_config("", "noc.toml").sla.cadence
    p1 = record(Priority.P1, 1, last_update_at=T0)  # due T0 + 30m
    p2 = record(Priority.P2, 2, last_update_at=T0 - 50 * MIN)  # due T0 + 10m
    done = record(Priority.P1, 3, state=MajorIncidentState.RESOLVED)
    clocks = update_clocks([p1, p2, done], cadence, T0 + 12 * MIN)
    assert [c.record.id for c in clocks] == [2, 1]
    assert [c.overdue for c in clocks] == [True, False]
    assert [c.remaining for c in clocks] == [-2 * MIN, 18 * MIN]
