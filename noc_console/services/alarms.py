"""Alarms: what deserves a sound and a desktop notification, and when to repeat it.

New P1/P2 incidents nobody is handling yet, clocks turning critical, and breaches each
raise one alarm per incident and kind (never twice). An alarm stays active — and its
sound repeats every `repeat` for the priorities that sound (P1 by default) — until it
is acknowledged, snoozed or muted, or the incident gets handled or closes. The first
scan only learns what is already there: a restart does not ring for the backlog.
Plain state, no Qt: the board runs `scan` off the GUI thread and presents the result.
Which priorities sound and notify, and the repeat, are the `[alarms]` table
(`AlarmSettings`, read by `config_reader.py`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import IncidentKey, Priority, Status
from noc_console.models.sla_clock import ClockState
from noc_console.models.text_limits import capped


class AlarmKind(StrEnum):
    NEW = "new"
    CRITICAL = "critical"
    BREACHED = "breached"


@dataclass(frozen=True, slots=True)
class Alarm:
    key: IncidentKey
    kind: AlarmKind
    priority: Priority
    title: str
    client: str
    raised_at: datetime

    @property
    def text(self) -> str:
        what = {AlarmKind.NEW: "new", AlarmKind.CRITICAL: "SLA critical",
                AlarmKind.BREACHED: "SLA BREACHED"}[self.kind]  # fmt: skip
        return f"{self.priority.value} {what}: {capped(self.client)} — {capped(self.title)}"


def _at_least_5_s(repeat: timedelta) -> str | None:
    return None if repeat >= timedelta(seconds=5) else "must be at least 5 seconds"


@dataclass(frozen=True, slots=True, kw_only=True)
class AlarmSettings:
    """`[alarms]`: declared once; `Alarms` takes its defaults from here."""

    notify: tuple[Priority, ...] = field(
        default=(Priority.P1, Priority.P2),
        metadata={"doc": "Priorities whose alarms are listed and notified on the desktop.",
                  "expect": 'a list of priorities like ["P1", "P2"]', "unique": True},
    )  # fmt: skip
    sounding: tuple[Priority, ...] = field(
        default=(Priority.P1,),
        metadata={"doc": "Priorities whose alarms also sound, until acknowledged.",
                  "expect": 'a list of priorities like ["P1"]', "unique": True},
    )  # fmt: skip
    repeat: timedelta = field(
        default=timedelta(seconds=30),
        metadata={"doc": "How often a sounding alarm repeats.", "check": _at_least_5_s},
    )
    sound_files: dict[str, str] = field(
        default_factory=dict,
        metadata={"doc": 'A WAV file per priority instead of its built-in tone '
                  '(`P1 = "/usr/share/sounds/siren.wav"`).',
                  "keys": lambda name: priority_name(name), "check": lambda p: wav_problem(p)},
    )  # fmt: skip


_DEFAULT = AlarmSettings()


def priority_name(name: str) -> str | None:
    """Why `name` is not a priority (a key of `[alarms.sound_files]`), or None."""
    return None if name in Priority.__members__ else "is not a priority (P1, P2, P3 or P4)"


def wav_problem(path: str) -> str | None:
    return None if path.lower().endswith(".wav") else "must be the path of a .wav file"


@dataclass
class Alarms:
    sounding: frozenset[Priority] = frozenset(_DEFAULT.sounding)
    notify: frozenset[Priority] = frozenset(_DEFAULT.notify)
    repeat: timedelta = _DEFAULT.repeat
    _raised: set[tuple[IncidentKey, AlarmKind]] = field(default_factory=set)
    _active: dict[tuple[IncidentKey, AlarmKind], Alarm] = field(default_factory=dict)
    _known: set[IncidentKey] | None = None
    _quiet_until: datetime | None = None
    _last_sound: datetime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def configured(cls, settings: AlarmSettings) -> Alarms:
        return cls(frozenset(settings.sounding), frozenset(settings.notify), settings.repeat)

    def scan(self, rows: Iterable[BoardRow], now: datetime) -> list[Alarm]:
        """New alarms since the last scan (at most one per incident and kind)."""
        fresh: list[Alarm] = []
        with self._lock:
            learning = self._known is None
            known = self._known if self._known is not None else set()
            present: set[IncidentKey] = set()
            for row in rows:
                present.add(row.key)
                handled = row.assignee is not None and row.status is not Status.NEW
                for kind in self._kinds(row, now, row.key not in known):
                    marker = (row.key, kind)
                    if marker in self._raised:
                        continue
                    self._raised.add(marker)
                    if learning or handled or row.priority not in self.notify:
                        continue
                    alarm = Alarm(row.key, kind, row.priority, row.title, row.client_name, now)
                    self._active[marker] = alarm
                    fresh.append(alarm)
                if handled:  # someone is on it: stop ringing for it
                    for kind in AlarmKind:
                        self._active.pop((row.key, kind), None)
            for marker in [m for m in self._active if m[0] not in present]:
                del self._active[marker]  # closed or filtered out of the board
            self._known = present
        return fresh

    @staticmethod
    def _kinds(row: BoardRow, now: datetime, new: bool) -> list[AlarmKind]:
        kinds = []
        if new and row.status is Status.NEW:
            kinds.append(AlarmKind.NEW)
        states = {c.state(now) for c in (row.response, row.resolution) if c and c.running}
        if ClockState.CRITICAL in states:
            kinds.append(AlarmKind.CRITICAL)
        if ClockState.BREACHED in states:
            kinds.append(AlarmKind.BREACHED)
        return kinds

    def active(self) -> list[Alarm]:
        with self._lock:
            return sorted(self._active.values(), key=lambda a: (a.priority.rank, a.raised_at))

    def acknowledge(self, key: IncidentKey | None = None) -> None:
        """Silence the alarms of one incident, or all of them."""
        with self._lock:
            for marker in [m for m in self._active if key is None or m[0] == key]:
                del self._active[marker]

    def snooze(self, now: datetime, minutes: int) -> None:
        """No sound for `minutes` (alarms stay listed; new ones are still noted)."""
        with self._lock:
            self._quiet_until = now + timedelta(minutes=minutes)

    def sound_due(self, now: datetime) -> bool:
        """Whether to (re)play the sound now; call it on a timer."""
        with self._lock:
            if self._quiet_until is not None and now < self._quiet_until:
                return False
            if not any(a.priority in self.sounding for a in self._active.values()):
                return False
            if self._last_sound is not None and now - self._last_sound < self.repeat:
                return False
            self._last_sound = now
            return True
