"""Alarms: what deserves a sound and a desktop notification, and when to repeat it.

New P1/P2 incidents nobody is handling yet, clocks turning critical, and breaches each
raise one alarm per incident and kind (never twice). An alarm stays active — and its
sound repeats every `repeat` for the priorities that sound (P1 by default) — until it
is acknowledged, snoozed or muted, or the incident gets handled or closes. The first
scan only learns what is already there: a restart does not ring for the backlog.
Plain state, no Qt: the board runs `scan` off the GUI thread and presents the result.
Which priorities sound and notify, and the repeat, are the `[alarms]` table
(`AlarmSettings`, read by `config_reader.py`).

Acknowledgements and snoozes are shared through the store (an `AlarmLedger`): each
is a row saying who silenced which alarm (incident, reason, priority) and when.
`acknowledge` and `snooze` silence this desk at once and return those rows; `record`
stores them (off the GUI thread); every `scan` first reads the rows stored since the
previous one, whoever wrote them. So an alarm acknowledged on one desk goes quiet on
every desk at its next scan, and a snooze quiets every desk's sound until it ends. On
one desk (SQLite) the same rows keep who acknowledged what across restarts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from noc_console.models.board_row import BoardRow
from noc_console.models.cache.alarm_ack_table import AckKind, AlarmAcknowledgement
from noc_console.models.errors import StoreError
from noc_console.models.incident import IncidentKey, Priority, Status
from noc_console.models.major_incident import UpdateClock
from noc_console.models.sla_clock import ClockState
from noc_console.models.text_limits import capped

log = logging.getLogger(__name__)

#: How far back a desk's first scan reads the shared acknowledgements (a snooze, an
#: alarm acknowledged just before this desk started).
REMEMBER = timedelta(days=1)
#: Ids read again at every scan: a row committed after one with a higher id (two desks
#: inserting at once on PostgreSQL) is still seen; rows already seen are skipped.
OVERLAP = 100


class AlarmKind(StrEnum):
    NEW = "new"
    CRITICAL = "critical"
    BREACHED = "breached"
    UPDATE_DUE = "update_due"  # a major incident's client update is due (or overdue)


#: The source of an update-due alarm's key: `MI-<id>@<due time>`, one alarm per update
#: due, so sending the update (a new due time) ends it and the next one rings again.
MAJOR_INCIDENT_SOURCE = "major_incident"


Marker = tuple[IncidentKey, AlarmKind]


class AlarmLedger(Protocol):
    """Where acknowledgements and snoozes are shared: the store."""

    def record_alarm_acknowledgements(self, acks: Sequence[AlarmAcknowledgement]) -> None: ...

    def alarm_acknowledgements(
        self, after: int = 0, since: datetime | None = None
    ) -> list[AlarmAcknowledgement]: ...


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
                AlarmKind.BREACHED: "SLA BREACHED",
                AlarmKind.UPDATE_DUE: "client update DUE"}[self.kind]  # fmt: skip
        return f"{self.priority.value} {what}: {capped(self.client)} — {capped(self.title)}"


def update_key(major_incident: int, due_at: datetime) -> IncidentKey:
    """The alarm key of MI-`major_incident`'s update due at `due_at`."""
    return IncidentKey(MAJOR_INCIDENT_SOURCE, f"MI-{major_incident}@{due_at:%Y-%m-%dT%H:%M:%SZ}")


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
    ledger: AlarmLedger | None = None  # shared acknowledgements; None: this process only
    me: str = ""  # who acknowledges here (`[me] name`)
    _raised: set[Marker] = field(default_factory=set)
    _active: dict[Marker, Alarm] = field(default_factory=dict)
    _acknowledged: dict[Marker, AlarmAcknowledgement] = field(default_factory=dict)
    _known: set[IncidentKey] | None = None
    _quiet_until: datetime | None = None
    _last_sound: datetime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _reading: threading.Lock = field(default_factory=threading.Lock)
    _read_up_to: int | None = None  # the highest id read; None: not read yet
    _seen: set[int] = field(default_factory=set)

    @classmethod
    def configured(
        cls, settings: AlarmSettings, ledger: AlarmLedger | None = None, me: str = ""
    ) -> Alarms:
        return cls(frozenset(settings.sounding), frozenset(settings.notify), settings.repeat,
                   ledger, me)  # fmt: skip

    def scan(
        self, rows: Iterable[BoardRow], now: datetime, updates: Iterable[UpdateClock] = ()
    ) -> list[Alarm]:
        """New alarms since the last scan (at most one per incident and kind; one per
        major incident's update that is due — `updates`, even on the first scan: a due
        update is owed, not backlog), after taking in what any desk acknowledged or
        snoozed since."""
        shared = self._read(now)
        fresh: list[Alarm] = []
        with self._lock:
            for ack in shared:
                self._take(ack)
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
                    if marker in self._acknowledged:  # on another desk, before we saw it
                        continue
                    alarm = Alarm(row.key, kind, row.priority, row.title, row.client_name, now)
                    self._active[marker] = alarm
                    fresh.append(alarm)
                if handled:  # someone is on it: stop ringing for it
                    for kind in AlarmKind:
                        self._active.pop((row.key, kind), None)
            for update in updates:
                if not update.overdue or update.due_at is None:
                    continue
                key = update_key(update.record.id, update.due_at)
                present.add(key)
                marker = (key, AlarmKind.UPDATE_DUE)
                record = update.record
                if marker in self._raised or marker in self._acknowledged:
                    continue
                self._raised.add(marker)
                if record.severity not in self.notify:
                    continue
                alarm = Alarm(key, AlarmKind.UPDATE_DUE, record.severity, record.title,
                              record.reference, now)  # fmt: skip
                self._active[marker] = alarm
                fresh.append(alarm)
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

    def acknowledge(self, now: datetime, key: IncidentKey | None = None
                    ) -> list[AlarmAcknowledgement]:  # fmt: skip
        """Silence the alarms of one incident, or all of them; what to `record`."""
        with self._lock:
            acks = self._marked(AckKind.ACK, now, None, key)
            for ack in acks:
                self._take(ack)
            return acks

    def snooze(self, now: datetime, minutes: int) -> list[AlarmAcknowledgement]:
        """No sound for `minutes` (alarms stay listed; new ones are still noted); what
        to `record` (a row per alarm listed now, which quiets every desk's sound)."""
        until = now + timedelta(minutes=minutes)
        with self._lock:
            self._quiet_until = until
            return self._marked(AckKind.SNOOZE, now, until, None)

    def record(self, acks: Sequence[AlarmAcknowledgement]) -> None:
        """Share `acks` with every desk (disk or network: not on the GUI thread)."""
        if self.ledger is not None and acks:
            self.ledger.record_alarm_acknowledgements(acks)

    def acknowledged_by(self, key: IncidentKey) -> AlarmAcknowledgement | None:
        """The latest acknowledgement of one of `key`'s alarms (who, when), if any."""
        with self._lock:
            acks = [a for (k, _kind), a in self._acknowledged.items() if k == key]
        return max(acks, key=lambda a: a.at, default=None)

    def _marked(self, kind: AckKind, now: datetime, until: datetime | None,
                key: IncidentKey | None) -> list[AlarmAcknowledgement]:  # fmt: skip
        return [
            AlarmAcknowledgement(k, alarm.kind.value, alarm.priority, kind, now, self.me, until)
            for (k, _kind), alarm in self._active.items()
            if key is None or k == key
        ]

    def _take(self, ack: AlarmAcknowledgement) -> None:
        """Apply an acknowledgement or snooze, this desk's or another's (lock held)."""
        if ack.kind is AckKind.SNOOZE:
            until = ack.snoozed_until
            if until is not None and (self._quiet_until is None or until > self._quiet_until):
                self._quiet_until = until
            return
        try:
            marker = (ack.key, AlarmKind(ack.reason))
        except ValueError:  # a reason a newer version raises: not one of ours
            return
        self._acknowledged[marker] = ack
        self._active.pop(marker, None)

    def _read(self, now: datetime) -> list[AlarmAcknowledgement]:
        """What was stored since the last read, by any desk. A database that cannot be
        read leaves this desk's alarms as they are: they must keep ringing."""
        if self.ledger is None:
            return []
        with self._reading:
            try:
                if self._read_up_to is None:
                    rows = self.ledger.alarm_acknowledgements(since=now - REMEMBER)
                else:
                    after = max(0, self._read_up_to - OVERLAP)
                    rows = self.ledger.alarm_acknowledgements(after=after)
            except StoreError as exc:
                log.warning("alarm acknowledgements not read: %s", exc)
                return []
            fresh = [a for a in rows if a.id not in self._seen]
            self._read_up_to = max([self._read_up_to or 0, *(a.id for a in rows)])
            floor = self._read_up_to - OVERLAP
            self._seen = {i for i in self._seen if i > floor} | {a.id for a in fresh}
            return fresh

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
