"""The live board at 10,000 open incidents, on the GUI thread, offscreen at 1600×900.

Every line is timed until the next frame is painted (the action, then the event loop
until the viewport has painted), and against a floor measured in the same run in a
bare window of the same size (a `QTableView` over a trivial model of the same shape,
whose cells are precomputed strings):

- tick: one once-a-second SLA tick; floor: the trivial model emitting `dataChanged`
  for the same cells the board used to repaint (both countdowns of every visible row).
- sync batches of 100 / 1,000 / 10,000 changed incidents (new titles and deadlines);
  floor: the trivial model emitting the notifications our model emitted for the batch
  (its ranged changes and its one layout change).
- a keystroke in the filter and a queue switch; floor: a bare `QSortFilterProxyModel`
  over the trivial model, filtering a column that holds the same searchable text (or
  queue mark) per row, so the same rows stay.
- queue counts (worker thread); floor: the same pass over the rows with predicates that
  do nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from time import perf_counter
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView, QWidget

from benchmarks import dataset
from benchmarks.harness import Result, median, timed
from noc_console.models.board_row import BoardRow
from noc_console.models.clock import ManualClock
from noc_console.models.store import Store
from noc_console.services.board_feed import BoardFeed, BoardUpdate
from noc_console.services.engine import SyncEngine
from noc_console.services.live_rows import LiveRows
from noc_console.services.queues import Queue, membership, queues
from noc_console.views.board_controller import BoardController
from noc_console.views.board_model import BoardModel, Column
from noc_console.views.main_window import BoardWindow
from noc_console.views.theme import apply_dark_theme

TICKS = 30
RUNS = 5
KEYSTROKES = ("v", "vp", "vpn", "vpn ", "vpn t")
QUEUES = ("unassigned", "breached", "at_risk", "waiting", "l2")
TICK_BUDGET, BATCH_BUDGET, FILTER_BUDGET = 1.5, 2.0, 1.5


class TrivialModel(QAbstractTableModel):
    """A table of the board's shape whose cells are strings computed beforehand."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self._rows = rows
        self.texts: list[str] = ["12m 30s"] * rows  # the filtered column's text per row

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.texts[index.row()] if index.column() == Column.TITLE else "12m 30s"


class Painted(QObject):
    """Counts paint events of a viewport, so a measurement can wait for the frame."""

    def __init__(self, viewport: QWidget) -> None:
        super().__init__(viewport)
        self.count = 0
        viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def frame(app: QApplication, painted: Painted, action: Callable[[], object]) -> float:
    """Milliseconds from `action` until the next frame is painted (or nothing is left
    to do: a tick that changed no text paints nothing)."""

    def run() -> None:
        before = painted.count
        action()
        for _ in range(4):  # deferred layouts and coalesced repaints run on the loop
            app.processEvents()
            if painted.count != before:
                break

    return timed(run)


class Recorder:
    """The notifications a model emits, to replay them on the trivial model."""

    def __init__(self, model: QAbstractTableModel) -> None:
        self.calls: list[tuple[str, int, int, int, int]] = []
        self._connections = [
            model.dataChanged.connect(self._changed),
            model.layoutChanged.connect(lambda *_: self.calls.append(("layout", 0, 0, 0, 0))),
            *(
                signal.connect(self._unexpected)
                for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset)
            ),
        ]

    def stop(self) -> None:
        for connection in self._connections:
            QObject.disconnect(connection)

    def _changed(self, top: QModelIndex, bottom: QModelIndex, _roles: object = ()) -> None:
        self.calls.append(("data", top.row(), top.column(), bottom.row(), bottom.column()))

    def _unexpected(self, *_args: object) -> None:
        raise AssertionError("a batch of changed incidents inserted or removed rows")

    def replay(self, model: TrivialModel) -> None:
        for kind, top, left, bottom, right in self.calls:
            if kind == "data":
                model.dataChanged.emit(model.index(top, left), model.index(bottom, right))
            else:
                model.layoutAboutToBeChanged.emit()
                model.layoutChanged.emit()


def haystack(row: BoardRow) -> str:
    """What the board's text filter searches (id, client, title, assignee)."""
    return f"{row.key.external_id} {row.client_name} {row.title} {row.assignee or ''}".casefold()


def measure() -> list[Result]:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    apply_dark_theme(app)
    store = Store.open(f"sqlite:///{dataset.populated_cache()}")
    rows = store.open_rows()
    clock = ManualClock(dataset.NOW)
    live = LiveRows(clock.now())
    engine = SyncEngine(store, [], clock)
    controller = BoardController(BoardFeed(store, []), engine, live, clock)
    window = BoardWindow(live, controller, clock)
    window.show()
    live.apply(rows, full=True)
    model = window.proxy.sourceModel()
    assert isinstance(model, BoardModel)
    app.processEvents()
    ours = Painted(window.table.viewport())

    trivial = TrivialModel(len(rows))
    bare = QMainWindow()
    bare_view = QTableView()
    bare_proxy = QSortFilterProxyModel()
    bare_proxy.setSourceModel(trivial)
    bare_proxy.setFilterKeyColumn(Column.TITLE)
    bare_view.setModel(bare_proxy)
    bare.setCentralWidget(bare_view)
    bare.resize(1600, 900)
    bare.show()
    app.processEvents()
    theirs = Painted(bare_view.viewport())

    def tick(second: int) -> None:  # as the controller's timer does it
        clock.set(dataset.NOW + timedelta(seconds=second))
        controller.tick()

    visible = window.visible_source_rows()

    def trivial_tick() -> None:
        for row in visible:
            for column in (Column.RESPONSE, Column.RESOLUTION):
                cell = trivial.index(row, column)
                trivial.dataChanged.emit(cell, cell)

    ticks = [frame(app, ours, lambda s=s: tick(s)) for s in range(1, TICKS + 1)]
    floors = [frame(app, theirs, trivial_tick) for _ in range(TICKS)]
    results = [
        _ratio_line(
            "SLA tick on the GUI thread (visible cells repainted)",
            ticks,
            floors,
            TICK_BUDGET,
            "≤ 2 ms",
        )
    ]

    for size in (100, 1_000, 10_000):
        stalls, floor_stalls = [], []
        for run in range(RUNS):
            shift = timedelta(minutes=run + 1)
            batch = [
                replace(
                    row,
                    title=f"{row.title} ({run})",
                    next_deadline=(row.next_deadline or clock.now()) + shift,
                )
                for row in live.rows()[:size]
            ]
            recorder = Recorder(model)
            stalls.append(frame(app, ours, lambda b=batch: _apply(controller, b)))
            recorder.stop()
            floor_stalls.append(frame(app, theirs, lambda r=recorder: r.replay(trivial)))
        results.append(
            _ratio_line(
                f"apply a sync batch of {size:,} changed incidents",
                stalls,
                floor_stalls,
                BATCH_BUDGET if size == 1_000 else None,
                "≤ 16 ms" if size == 1_000 else "",
            )
        )

    proxy = window.proxy
    board_rows = live.rows()
    searchable = [haystack(row) for row in board_rows]
    keystrokes = [frame(app, ours, lambda t=text: proxy.set_text(t)) for text in KEYSTROKES]
    trivial.texts = searchable
    floor_keys = [
        frame(app, theirs, lambda t=text: bare_proxy.setFilterFixedString(t)) for text in KEYSTROKES
    ]
    proxy.set_text("")
    bare_proxy.setFilterFixedString("")
    app.processEvents()

    # Queue membership is computed on the worker (timed here, off the GUI thread there);
    # a switch then filters by set lookups, as the window does.
    all_queues = queues("Tech 01")
    started = perf_counter()
    members = membership(all_queues, board_rows, clock.now())
    counting_ms = (perf_counter() - started) * 1000
    started = perf_counter()
    membership(_idle(all_queues), board_rows, clock.now())
    counting_floor_ms = (perf_counter() - started) * 1000
    switches, floor_switches = [], []
    for n, key in enumerate(QUEUES):
        keys = members[key]
        switches.append(frame(app, ours, lambda k=keys: proxy.set_members(k)))
        mark = f"q{n}"
        trivial.texts = [mark if row.key in keys else "" for row in board_rows]
        floor_switches.append(frame(app, theirs, lambda m=mark: bare_proxy.setFilterFixedString(m)))
    proxy.set_members(None)
    results.append(
        Result(
            "queue counts, all 12 queues (worker thread)",
            counting_ms,
            counting_floor_ms,
            "ms",
            "(informative)",
            True,
        )
    )
    results.append(
        _ratio_line(
            "filter keystroke (title, 10,000 rows)",
            keystrokes,
            floor_keys,
            FILTER_BUDGET,
            "≤ 16 ms",
        )
    )
    results.append(
        _ratio_line(
            "queue switch (10,000 rows)", switches, floor_switches, FILTER_BUDGET, "≤ 16 ms"
        )
    )
    window.close()
    bare.close()
    store.close()
    return results


def _apply(controller: BoardController, batch: Sequence[BoardRow]) -> None:
    """What the controller does with a batch read on its worker."""
    controller._apply(BoardUpdate(batch, []))


def _idle(all_queues: Sequence[Queue]) -> list[Queue]:
    return [Queue(q.key, q.label, lambda _row, _now: False) for q in all_queues]


def _ratio_line(
    metric: str, ours: list[float], floors: list[float], budget: float | None, aim: str
) -> Result:
    """A line judged as a ratio to its floor (None: informative, no budget)."""
    ratio = median(ours) / median(floors)
    label = f"≤ {budget:g}× floor" + (f" (aim {aim})" if aim else "") if budget else "(informative)"
    return Result(
        metric, median(ours), median(floors), "ms", label, budget is None or ratio <= budget
    )


if __name__ == "__main__":
    for result in measure():
        print(result)
