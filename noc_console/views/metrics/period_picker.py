"""The Metrics view's periods, as a manager asks for them: the last 7, 30 or 90 days,
this month so far, last month, the last twelve months."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtWidgets import QComboBox, QWidget

from noc_console.models.clock import ensure_utc
from noc_console.services.metrics import Period


def _this_month(now: datetime) -> Period:
    return Period.month(ensure_utc(now).strftime("%Y-%m"))


def _last_month(now: datetime) -> Period:
    return Period.month((_this_month(now).start - timedelta(days=1)).strftime("%Y-%m"))


def _last_year(now: datetime) -> Period:
    """This month and the eleven before it, up to the end of today."""
    start = _this_month(now).start
    months = start.year * 12 + start.month - 1 - 11
    return Period(datetime(months // 12, months % 12 + 1, 1, tzinfo=UTC), Period.day_of(now).end)


#: (label, the period at `now`), in the picker's order; the second is the default.
CHOICES: tuple[tuple[str, Callable[[datetime], Period]], ...] = (
    ("Last 7 days", lambda now: Period.last_days(now, 7)),
    ("Last 30 days", lambda now: Period.last_days(now, 30)),
    ("Last 90 days", lambda now: Period.last_days(now, 90)),
    ("This month", _this_month),
    ("Last month", _last_month),
    ("Last 12 months", _last_year),
)
DEFAULT_CHOICE = 1


class PeriodPicker(QComboBox):
    """A period by name; `period(now)` is the span it names at that instant.

    Signals: those of QComboBox (`currentIndexChanged` when another is picked).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("period")
        for label, _ in CHOICES:
            self.addItem(label)
        self.setCurrentIndex(DEFAULT_CHOICE)

    def period(self, now: datetime) -> Period:
        return CHOICES[self.currentIndex()][1](now)
