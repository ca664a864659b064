"""Durations per class of incident, kept sorted so "how many took longer than x" is one
binary search: the forecast asks it twice per clock, for 10,000 open incidents.

A class is the clock kind with priority, category and tier; where a class has too few
incidents that ran as long as the one asked about, the forecast asks a coarser one
(priority and tier, then priority alone). Each class also keeps its durations split by
the queue they met on arrival (at its median), so a clock with many ahead of it is judged
by incidents that arrived to a busy tier.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median_low

from noc_console.models.breach_forecast import ClockKind
from noc_console.models.incident import Priority, Tier
from noc_console.services.forecast.samples import Sample


@dataclass(frozen=True, slots=True)
class Durations:
    """Business seconds, ascending; a C array of doubles (8 bytes a value, not a float
    object's 32: the classes hold every closed clock three times over)."""

    seconds: array[float]

    @classmethod
    def of(cls, values: Iterable[float]) -> Durations:
        return cls(array("d", sorted(values)))

    def __len__(self) -> int:
        return len(self.seconds)

    def longer_than(self, seconds: float) -> int:
        return len(self.seconds) - bisect_right(self.seconds, seconds)

    def at_least(self, seconds: float) -> int:
        return len(self.seconds) - bisect_left(self.seconds, seconds)

    @property
    def typical(self) -> float:
        """The median (the lower middle: a duration that happened), read off the sorted
        array — asked once per forecast clock."""
        seconds = self.seconds
        return seconds[(len(seconds) - 1) // 2] if seconds else 0.0


@dataclass(frozen=True, slots=True)
class ClassHistory:
    """One class's durations, and the same split at `busy_from` incidents ahead."""

    label: str
    all: Durations
    quiet: Durations  # arrived with fewer than busy_from ahead
    busy: Durations
    busy_from: int

    @classmethod
    def of(cls, label: str, items: Sequence[Sample]) -> ClassHistory:
        busy_from = max(1, median_low(s.ahead for s in items)) if items else 1
        return cls(
            label,
            Durations.of(s.took for s in items),
            Durations.of(s.took for s in items if s.ahead < busy_from),
            Durations.of(s.took for s in items if s.ahead >= busy_from),
            busy_from,
        )

    def for_queue(self, ahead: int) -> Durations:
        return self.busy if ahead >= self.busy_from else self.quiet


ClassKey = tuple[ClockKind, Priority, str | None, Tier | None]


def class_keys(kind: ClockKind, priority: Priority, category: str, tier: Tier) -> list[ClassKey]:
    """The classes to ask, finest first."""
    return [(kind, priority, category, tier), (kind, priority, None, tier),
            (kind, priority, None, None)]  # fmt: skip


def class_label(key: ClassKey) -> str:
    _, priority, category, tier = key
    what = f"{priority.value} {category}" if category else priority.value
    return f"{what} at {tier.value}" if tier is not None else f"{what} (any tier)"


@dataclass(frozen=True, slots=True)
class History:
    """Every class's durations, built once from the samples and refreshed rarely."""

    classes: dict[ClassKey, ClassHistory]
    size: int  # samples it was built from

    @classmethod
    def of(cls, items: Iterable[Sample]) -> History:
        grouped: dict[ClassKey, list[Sample]] = defaultdict(list)
        size = 0
        for sample in items:
            size += 1
            for key in class_keys(sample.kind, sample.priority, sample.category, sample.tier):
                grouped[key].append(sample)
        return cls({key: ClassHistory.of(class_label(key), group)
                    for key, group in grouped.items()}, size)  # fmt: skip

    def candidates(
        self, kind: ClockKind, priority: Priority, category: str, tier: Tier
    ) -> list[ClassHistory]:
        """The classes this clock belongs to that have any history, finest first."""
        found = (self.classes.get(key) for key in class_keys(kind, priority, category, tier))
        return [c for c in found if c is not None]
