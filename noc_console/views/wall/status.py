"""The wall's words about its own data: the alarm banner and the status line.

Staleness is never silent (DESIGN.md §6): the status line always says each source's
state and the data's age, and the banner says in capitals when a source is offline or
the data is older than the configured threshold. Sources are named by their label;
their error texts stay off the wall (the board's status bar has them).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime, timedelta

from noc_console.services.sources.connectivity import (
    Connectivity,
    FeedStatus,
    data_age,
    unsynced_words,
)
from noc_console.services.team.status import ServiceWords
from noc_console.views import format as fmt
from noc_console.views.theme import tokens

_STATE_COLOUR = {
    Connectivity.ONLINE: "online",
    Connectivity.DEGRADED: "warning",
    Connectivity.OFFLINE: "offline",
    Connectivity.CONNECTING: "muted",
}


def wall_banner(
    feeds: Sequence[FeedStatus],
    now: datetime,
    stale_after: timedelta,
    waiting_for: timedelta,
    showing: int = 0,
) -> str | None:
    """The banner's text, or None when all is well. `waiting_for`: time since the wall
    started, so a wall with no data yet says so once the threshold has passed;
    `showing`: incidents on screen (from the cache when no source has synced yet)."""
    age = data_age(feeds, now)
    age_text = (
        f"data {fmt.duration(age)} old" if age is not None else unsynced_words(feeds, showing)
    )
    offline = [f for f in feeds if f.state is Connectivity.OFFLINE]
    if offline:
        names = ", ".join(
            f.label + (f" since {f.offline_since.astimezone():%H:%M}" if f.offline_since else "")
            for f in offline
        )
        return f"⚠ OFFLINE: {names} — {age_text}"
    if age is None:
        if waiting_for < stale_after:
            return None
        if showing:
            return f"⚠ NOT SYNCED: {unsynced_words(feeds, showing)}"
        return "⚠ NO DATA: no source has synced yet"
    if age > stale_after:
        return f"⚠ DATA STALE: last update {fmt.duration(age)} ago"
    return None


def wall_status(
    feeds: Sequence[FeedStatus],
    now: datetime,
    showing: int = 0,
    service: ServiceWords | None = None,
) -> str:
    """Rich text: a coloured dot and the state in words per source, then the data age.
    `showing`: incidents on screen; `service`: the team's sync service, first."""
    parts = []
    if service is not None:
        colour = tokens()["offline" if service.problem else "online"]
        parts.append(f'<span style="color:{colour}">●</span> {html.escape(service.text)}')
    for feed in feeds:
        colour = tokens()[_STATE_COLOUR[feed.state]]
        word = feed.state.value.upper() if feed.state is not Connectivity.ONLINE else "online"
        parts.append(f'<span style="color:{colour}">●</span> {html.escape(feed.label)} {word}')
    age = data_age(feeds, now)
    unsynced = html.escape(unsynced_words(feeds, showing))
    parts.append(f"data {fmt.duration(age)} old" if age is not None else unsynced)
    if not feeds and service is None:
        return unsynced if showing else "loading…"
    return " &nbsp;·&nbsp; ".join(parts)
