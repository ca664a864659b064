"""The team's sync service as the consoles see it: its heartbeat, and the words the
status bar and the wall say about it.

The active `noc-console serve` writes a heartbeat into the shared database every
`BEAT_EVERY` (which host and process is active, since when, when it last beat); the
per-connector sync state it keeps there says when each source last synced. A console
cannot tell a dead service from a quiet one by the incidents alone — nothing changing
looks the same as nothing arriving — so a heartbeat older than `DEAD_AFTER` is shown
as a named problem: "sync service not running since 14:02 — data is 12m 00s old".
The heartbeat is compared with the console's own clock, so the machines' clocks must
agree within a few seconds (NTP; docs/team.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from noc_console.models.clock import ensure_utc
from noc_console.models.clock_text import duration
from noc_console.models.text_limits import capped
from noc_console.services.sources.connectivity import FeedStatus, data_age

#: `cache_meta` key of the active service's heartbeat.
BEAT_KEY = "service_heartbeat"
#: How often the active service beats.
BEAT_EVERY = timedelta(seconds=5)
#: A heartbeat older than this (three beats) means no service is running.
DEAD_AFTER = 3 * BEAT_EVERY


@dataclass(frozen=True, slots=True)
class ServiceBeat:
    """The active service's last heartbeat. `stopped`: it stopped cleanly (SIGTERM), so
    consoles need not wait three beats to say so."""

    host: str
    pid: int
    active_since: datetime
    beat_at: datetime
    stopped: bool = False

    def to_json(self) -> str:
        return json.dumps(
            {
                "host": self.host,
                "pid": self.pid,
                "active_since": self.active_since.isoformat(),
                "beat_at": self.beat_at.isoformat(),
                "stopped": self.stopped,
            }
        )

    @classmethod
    def from_json(cls, text: str | None) -> ServiceBeat | None:
        """The heartbeat stored as `text`; None when there is none or it cannot be read
        (written by something else: shown as no heartbeat, never a crash)."""
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(
                host=capped(str(data["host"])),
                pid=int(data["pid"]),
                active_since=ensure_utc(datetime.fromisoformat(data["active_since"])),
                beat_at=ensure_utc(datetime.fromisoformat(data["beat_at"])),
                stopped=bool(data.get("stopped", False)),
            )
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError):
            return None

    def running(self, now: datetime) -> bool:
        return not self.stopped and now - self.beat_at <= DEAD_AFTER


@dataclass(frozen=True, slots=True)
class ServiceWords:
    """What to say about the service: `text` (status bar, wall status line), whether it
    is a problem (red), and then the wall's `banner`."""

    text: str
    problem: bool = False
    banner: str | None = None


def service_words(
    beat: ServiceBeat | None, feeds: Sequence[FeedStatus], now: datetime
) -> ServiceWords:
    """ "sync service: active on host-a · psa synced 4s ago", or, with no live heartbeat,
    "sync service not running since 14:02 — data is 12m 00s old"."""
    if beat is not None and beat.running(now):
        parts = [f"sync service: active on {beat.host}"]
        for feed in feeds:
            synced = feed.last_success_at
            when = f"synced {duration(now - synced)} ago" if synced else "not synced yet"
            parts.append(f"{capped(feed.label)} {when}")
        return ServiceWords(" · ".join(parts), problem=False)
    age = data_age(feeds, now)
    data = f"data is {duration(age)} old" if age is not None else "no data synced yet"
    since = (
        f" since {beat.beat_at.astimezone():%H:%M}"
        if beat is not None
        else " (none has run on this database)"
    )
    return ServiceWords(
        f"sync service not running{since} — {data}",
        problem=True,
        banner=f"⚠ SYNC SERVICE NOT RUNNING{since} — {data}",
    )
