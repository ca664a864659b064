"""The `[wall]` table of the configuration file: what the wall display shows and how.

Each option is declared once below, typed, with its default, its allowed range and a
description. `parse_wall` reads the table and raises `ConfigError` naming the file,
the key and the problem. Pages are named: `overview`, `deadlines` (the incidents with
the nearest deadlines) and `queue:<key>` for any board queue of `services/board/queues.py`
except `mine` (a wall has no "me").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from noc_console.services.board.queues import queues
from noc_console.services.config_rules import field_problem
from noc_console.services.sla_config import TableReader

OVERVIEW = "overview"
DEADLINES = "deadlines"
QUEUE_PREFIX = "queue:"
#: Queues a wall can show: every board queue but "mine".
WALL_QUEUES = tuple(q.key for q in queues("") if q.key != "mine")


@dataclass(frozen=True, slots=True)
class WallSettings:
    page_interval_s: float = field(
        default=20.0, metadata={"doc": "Seconds each page stays up.", "range": (3, 3600)}
    )
    pages: tuple[str, ...] = field(
        default=(OVERVIEW, DEADLINES, "queue:breached", "queue:at_risk", "queue:escalate"),
        metadata={"doc": "Pages in rotation order: overview, deadlines, queue:<key>."},
    )
    rows_per_page: int = field(
        default=10, metadata={"doc": "Incidents on a list page.", "range": (3, 20)}
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
    if page in (OVERVIEW, DEADLINES):
        return None
    if isinstance(page, str) and page.startswith(QUEUE_PREFIX):
        if page.removeprefix(QUEUE_PREFIX) in WALL_QUEUES:
            return None
        return f"{page!r} names no queue (queues: {', '.join(WALL_QUEUES)})"
    return f"{page!r} is not a page (use {OVERVIEW}, {DEADLINES} or queue:<key>)"


def parse_wall(data: Mapping[str, Any], where: str) -> WallSettings:
    """The wall settings from the `[wall]` table of a parsed configuration file."""
    read = TableReader(where)
    declared = {f.name: f for f in fields(WallSettings)}
    table = read.table(data.get("wall", {}), "wall", set(declared))
    values: dict[str, Any] = {}
    for name, value in table.items():
        key = f"wall.{name}"
        if name == "pages":
            values[name] = _pages(read, value, key)
            continue
        problem = field_problem(declared[name], value)
        if problem is not None:
            raise read.fail(key, problem)
        values[name] = value if declared[name].type == "int" else float(value)
    return WallSettings(**values)


def _pages(read: TableReader, value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise read.fail(key, 'must be a non-empty list like ["overview", "deadlines"]')
    for i, page in enumerate(value):
        problem = page_problem(page)
        if problem is not None:
            raise read.fail(f"{key}[{i}]", problem)
        if page in value[:i]:
            raise read.fail(f"{key}[{i}]", f"{page!r} is listed twice")
    return tuple(value)
