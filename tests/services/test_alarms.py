from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from noc_console.models.board_row import BoardRow
from noc_console.models.cache.store import Store
from noc_console.models.errors import ConfigError
from noc_console.models.incident import Client, Priority, Status
from noc_console.services.alarms import AlarmKind, Alarms
from noc_console.services.config import load_config
from tests.conftest import T0
from tests.factories import incident
from tests.services.test_config import write

S = timedelta(seconds=1)


def rows(store: Store, *incidents: object) -> list[BoardRow]:
    store.upsert_clients([Client("acme", "Acme", "Gold")])
    store.upsert_incidents(list(incidents))  # type: ignore[arg-type]
    return store.open_rows()


def test_the_backlog_does_not_ring_but_new_p1s_do(store: Store) -> None:
    alarms = Alarms()
    assert alarms.scan(rows(store, incident(1, priority=Priority.P1)), T0) == []
    board = rows(store, incident(2, priority=Priority.P1, title="Core switch down"),
                 incident(3, priority=Priority.P4))  # fmt: skip
    (alarm,) = alarms.scan(board, T0 + S)
    assert (alarm.kind, alarm.key.external_id) == (AlarmKind.NEW, "T-2")
    assert alarm.text == "P1 new: Acme — Core switch down"
    assert alarms.scan(board, T0 + 2 * S) == []  # once, not at every scan


def test_sound_repeats_until_acknowledged(store: Store) -> None:
    alarms = Alarms(repeat=timedelta(seconds=30))
    alarms.scan([], T0)
    alarms.scan(rows(store, incident(1, priority=Priority.P1)), T0)
    assert alarms.sound_due(T0)
    assert not alarms.sound_due(T0 + 10 * S)
    assert alarms.sound_due(T0 + 30 * S)
    alarms.acknowledge(T0 + 60 * S)
    assert not alarms.sound_due(T0 + 90 * S)
    assert alarms.active() == []


def test_snooze_silences_without_forgetting(store: Store) -> None:
    alarms = Alarms()
    alarms.scan([], T0)
    alarms.scan(rows(store, incident(1, priority=Priority.P1)), T0)
    alarms.snooze(T0, minutes=10)
    assert not alarms.sound_due(T0 + timedelta(minutes=9))
    assert len(alarms.active()) == 1
    assert alarms.sound_due(T0 + timedelta(minutes=10))


def test_p2_notifies_without_sound_and_p4_does_nothing(store: Store) -> None:
    alarms = Alarms()
    alarms.scan([], T0)
    fresh = alarms.scan(rows(store, incident(1, priority=Priority.P2),
                             incident(2, priority=Priority.P4)), T0)  # fmt: skip
    assert [a.priority for a in fresh] == [Priority.P2]
    assert not alarms.sound_due(T0)


def test_breach_rings_once_and_handling_quiets_it(store: Store) -> None:
    alarms = Alarms()
    board = rows(store, incident(1, priority=Priority.P1, created_at=T0))
    alarms.scan(board, T0)  # learn
    kinds = [a.kind for a in alarms.scan(board, T0 + timedelta(minutes=14))]
    assert kinds == [AlarmKind.CRITICAL]  # 14 of 15 minutes of the response target
    kinds = [a.kind for a in alarms.scan(board, T0 + timedelta(minutes=16))]
    assert kinds == [AlarmKind.BREACHED]
    handled = [replace(board[0], assignee="Ann", status=Status.IN_PROGRESS)]
    alarms.scan(handled, T0 + timedelta(minutes=17))
    assert alarms.active() == []


def test_the_alarms_table_decides_what_notifies_sounds_and_repeats(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[alarms]\nnotify = ["P1", "P2", "P3"]\nsounding = ["P2"]\nrepeat = "2m"\n',
                    encoding="utf-8")  # fmt: skip
    alarms = Alarms.configured(load_config(path).alarms)
    alarms.scan([], T0)
    fresh = alarms.scan(rows(store, incident(1, priority=Priority.P3),
                             incident(2, priority=Priority.P2)), T0)  # fmt: skip
    assert sorted(a.priority for a in fresh) == [Priority.P2, Priority.P3]
    assert alarms.sound_due(T0)
    assert not alarms.sound_due(T0 + 90 * S)
    assert alarms.sound_due(T0 + 120 * S)


def test_no_alarms_table_keeps_todays_alarms(tmp_path: Path) -> None:
    configured = Alarms.configured(load_config(tmp_path / "absent.toml").alarms)
    assert (configured.notify, configured.sounding, configured.repeat) == (
        frozenset({Priority.P1, Priority.P2}),
        frozenset({Priority.P1}),
        timedelta(seconds=30),
    )


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ('[alarms]\nsounding = ["P5"]', "alarms.sounding[0]", "'P5' is not one of P1"),
        ('[alarms]\nsounding = "P1"', "alarms.sounding", 'a list of priorities like ["P1"]'),
        ('[alarms]\nnotify = ["P1", "P1"]', "alarms.notify[1]", "listed twice"),
        ("[alarms]\nrepeat = 30", "alarms.repeat", "must be a duration"),
        ('[alarms]\nrepeat = "1s"', "alarms.repeat", "at least 5 seconds"),
        ("[alarms]\nvolume = 11", "alarms.volume", "unknown key"),
    ],
)
def test_alarm_settings_errors_name_file_key_and_problem(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert (caught.value.path, caught.value.key) == (str(path), key)
    assert problem in caught.value.problem
