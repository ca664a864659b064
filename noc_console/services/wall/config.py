"""The `[wall]` table of the configuration file: what the wall display shows and how.

Each option is declared once below, typed, with its default, its allowed range and a
description; `config_reader.py` reads the table. Pages are named: `overview`,
`deadlines` (the incidents with the nearest deadlines), `metrics` (today's volumes,
MTTA/MTTR against last week's, SLA compliance per client) and `queue:<key>` for any
board queue of `services/board/queues.py` except `mine` (a wall has no "me").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from noc_console.services.board.queues import queues

OVERVIEW = "overview"
DEADLINES = "deadlines"
METRICS = "metrics"
QUEUE_PREFIX = "queue:"
#: Queues a wall can show: every board queue but "mine".
WALL_QUEUES = tuple(q.key for q in queues(None) if q.key != "mine")


@dataclass(frozen=True, slots=True)
class WallSettings:
    page_interval_s: float = field(
        default=20.0, metadata={"doc": "Seconds each page stays up.", "range": (3, 3600)}
    )
    pages: tuple[str, ...] = field(
        default=(OVERVIEW, DEADLINES, "queue:breached", "queue:at_risk", "queue:escalate"),
        metadata={
            "doc": "Pages in rotation order: overview, deadlines, metrics, queue:<key>.",
            "check": lambda page: page_problem(page),
            "expect": 'a non-empty list like ["overview", "deadlines"]',
            "non_empty": True,
            "unique": True,
        },
    )
    rows_per_page: int = field(
        default=40,
        metadata={
            "doc": "At most this many incidents on a list page; rows fill the screen's height.",
            "range": (3, 60),
        },
    )
    stale_after_s: float = field(
        default=120.0,
        metadata={"doc": "Data older than this raises the stale banner.", "range": (5, 86400)},
    )
    pixel_shift_px: int = field(
        default=4, metadata={"doc": "Burn-in shift amplitude in pixels.", "range": (0, 40)}
    )
    pixel_shift_every_s: float = field(
        default=300.0,
        metadata={"doc": "Seconds between burn-in shifts.", "range": (10, 86400)},
    )

    def __post_init__(self) -> None:
        for page in self.pages:
            if page_problem(page) is not None:
                raise ValueError(f"unknown wall page {page!r}")


def page_problem(page: object) -> str | None:
    """Why `page` is not a valid page name, or None when it is."""
    if page in (OVERVIEW, DEADLINES, METRICS):
        return None
    if isinstance(page, str) and page.startswith(QUEUE_PREFIX):
        if page.removeprefix(QUEUE_PREFIX) in WALL_QUEUES:
            return None
        return f"{page!r} names no queue (queues: {', '.join(WALL_QUEUES)})"
    return f"{page!r} is not a page (use {OVERVIEW}, {DEADLINES}, {METRICS} or queue:<key>)"
