"""How each connector is doing, in the words the status bar and the wall display use.

online — the last sync worked; degraded — errors or rate limiting, but it worked
recently (fewer than `OFFLINE_AFTER` failures in a row); offline — failing since a
given time; connecting — never synced yet. Queued actions are counted with it, so a
screen can say "offline since 14:02 · 3 actions queued".

A team console shows the shared database the same way, as one more feed, once it has
stopped answering (`database_status`): offline since when, why, and the actions kept
on this desk until it answers again ("shared database: OFFLINE since 14:02 · 3
actions kept on this desk").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from noc_console.models.cache.store import SyncState
from noc_console.models.text_limits import capped

OFFLINE_AFTER = 3  # consecutive failed syncs


class Connectivity(StrEnum):
    CONNECTING = "connecting"
    ONLINE = "online"
    DEGRADED = "degraded"
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class FeedStatus:
    name: str
    label: str
    state: Connectivity
    last_success_at: datetime | None = None
    last_error: str | None = None
    offline_since: datetime | None = None
    retry_at: datetime | None = None
    queued: int = 0  # unsettled triage actions (pending, failed, conflict)
    skipped: int = 0  # records the last sync could not map
    skip_note: str | None = None
    warning: str | None = None  # online, but the source looks stuck (see services/sync.py)
    kept: int = 0  # actions waiting on this desk for the shared database (team mode)

    @property
    def online(self) -> bool:
        return self.state is Connectivity.ONLINE


def feed_status(name: str, label: str, state: SyncState, queued: int) -> FeedStatus:
    if state.last_error is None:
        connectivity = Connectivity.ONLINE if state.last_success_at else Connectivity.CONNECTING
        if state.warning and state.last_success_at:  # answering, but not to be trusted
            connectivity = Connectivity.DEGRADED
    elif state.last_success_at is not None and (
        state.failures < OFFLINE_AFTER or state.retry_at is not None
    ):
        connectivity = Connectivity.DEGRADED
    else:
        connectivity = Connectivity.OFFLINE
    return FeedStatus(
        name=name,
        label=label,
        state=connectivity,
        last_success_at=state.last_success_at,
        last_error=state.last_error,
        offline_since=state.offline_since,
        retry_at=state.retry_at,
        queued=queued,
        skipped=state.skipped,
        skip_note=state.skip_note,
        warning=state.warning,
    )


DATABASE_FEED = "shared-database"


def database_status(
    down_since: datetime | None, reason: str | None, answered_at: datetime | None, kept: int
) -> FeedStatus | None:
    """The shared database as a feed: offline since `down_since` (with `reason`), or
    online while `kept` actions still wait on this desk; None when it answers and
    nothing waits (the board's sources say the rest). Its last answer is its "last
    success", so the data's age keeps growing while it is away."""
    if down_since is None and not kept:
        return None
    return FeedStatus(
        name=DATABASE_FEED,
        label="shared database",
        state=Connectivity.ONLINE if down_since is None else Connectivity.OFFLINE,
        last_success_at=answered_at,
        last_error=reason,
        offline_since=down_since,
        kept=kept,
    )


def kept_words(kept: int) -> str:
    """What waits on this desk for the shared database."""
    return f"{kept} action{'s' if kept != 1 else ''} kept on this desk"


def unsynced_words(feeds: Sequence[FeedStatus], showing: int) -> str:
    """The data's age when a source has not synced since the start: the incidents on
    screen come from the cache (never "no data yet" over a screen of them)."""
    if not showing:
        return "no data yet"
    waiting = [f.label for f in feeds if f.last_success_at is None]
    return (
        f"cached data · {capped(', '.join(waiting))} not synced yet" if waiting else "cached data"
    )


def data_age(feeds: Sequence[FeedStatus], now: datetime) -> timedelta | None:
    """Age of the oldest feed's last successful sync; None before any sync."""
    times = [f.last_success_at for f in feeds]
    if not times or any(t is None for t in times):
        return None
    return max(timedelta(0), now - min(t for t in times if t is not None))
