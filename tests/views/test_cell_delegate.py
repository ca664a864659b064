"""The cell delegate paints what Qt's delegate paints from the model's roles (plus the
countdown bar), pixel for pixel; and a tick repaints only the cells that changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QRegion
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)
from pytestqt.qtbot import QtBot

from noc_console.models.actions import Action, ActionKind
from noc_console.models.cache.store import Store
from noc_console.models.incident import Client, Priority, Status
from noc_console.services.board.columns import COLUMNS, Column, Elide
from noc_console.services.board.feed import BoardUpdate
from noc_console.services.board.live_rows import LiveRows
from noc_console.views.board.cell_delegate import CellDelegate, cue_colour, paint_cue
from noc_console.views.board.cell_style import BAR_HEIGHT, TRACK, cell_styles
from noc_console.views.board.model import PROGRESS_ROLE, BoardModel
from tests.conftest import T0
from tests.factories import incident


class RolesDelegate(QStyledItemDelegate):
    """Qt's own delegate reading the model's roles, with the cue beside the colour (the
    state's mark, a P1's outline) and the bar drawn over it (what the board painted
    before it painted from the cell cache)."""

    def __init__(self, model: BoardModel) -> None:
        super().__init__()
        self._model = model
        self._styles = cell_styles()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        option = QStyleOptionViewItem(option)
        if index.column() == Column.PRIORITY:  # a selected row keeps its priority badge
            option.state &= ~QStyle.StateFlag.State_Selected
        if COLUMNS[index.column()].elide is Elide.START:  # ids give way at their start
            option.textElideMode = Qt.TextElideMode.ElideLeft
        super().paint(painter, option, index)
        style = self._styles[self._model.cell(index.row(), index.column()).look]
        if style.mark or style.outline:
            paint_cue(painter, option, style, cue_colour(option, style))
        used = index.data(PROGRESS_ROLE)
        if used is None:
            return
        look = self._model.cell(index.row(), index.column()).look
        rect = option.rect
        bar = QRect(rect.left() + 4, rect.bottom() - BAR_HEIGHT, rect.width() - 8, BAR_HEIGHT)
        painter.fillRect(bar, TRACK)
        filled = QRect(bar)
        filled.setWidth(int(bar.width() * used))
        colour = self._styles[look].bar
        assert colour is not None
        painter.fillRect(filled, colour)


def table(model: BoardModel, qtbot: QtBot, delegate: QStyledItemDelegate) -> QTableView:
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegate(delegate)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(28)
    for spec in COLUMNS:
        view.horizontalHeader().resizeSection(spec.column, spec.width or 260)
    view.resize(1500, 400)
    view.show()
    return view


@pytest.fixture
def model(store: Store) -> BoardModel:
    store.upsert_clients([Client("acme", "Adventure Works Retail (Europe) Ltd", "Gold")])
    late = T0 - timedelta(minutes=5)
    store.upsert_incidents(
        [
            incident(1, priority=Priority.P1, client_id="acme", resolution_due=late,
                     title="A title far too long to fit in the column it is shown in, so it ends"),
            incident(2, priority=Priority.P2, assignee="Ann Lee", status=Status.IN_PROGRESS,
                     responded_at=T0 - timedelta(minutes=8)),
            incident(3, priority=Priority.P3, status=Status.WAITING_CUSTOMER),
            incident(4, priority=Priority.P4, created_at=T0 - timedelta(minutes=50)),
        ]
    )  # fmt: skip
    key = incident(2).key
    store.enqueue(Action(key, ActionKind.NOTE, {"text": "a"}), T0)
    board = BoardModel(LiveRows(T0 + timedelta(minutes=9)))
    board.apply(BoardUpdate(store.open_rows(), [], full=True))
    return board


def grab(view: QTableView) -> QImage:
    return view.viewport().grab().toImage()


def test_cells_are_painted_as_qt_paints_them_from_the_roles(
    model: BoardModel, qtbot: QtBot
) -> None:
    ours = table(model, qtbot, CellDelegate(model))
    theirs = table(model, qtbot, RolesDelegate(model))
    assert grab(ours) == grab(theirs)
    for view in (ours, theirs):  # a selected row, narrow client and id columns (elided)
        view.selectRow(1)
        view.horizontalHeader().resizeSection(Column.CLIENT, 90)
        view.horizontalHeader().resizeSection(Column.ID, 36)
        view.horizontalHeader().resizeSection(Column.RESOLUTION, 70)
    assert grab(ours) == grab(theirs)
    looks = {model.cell(r, c).look for r in range(model.rowCount()) for c in Column}
    assert len(looks) >= 7  # priorities, clock states, the outbox mark: all compared


class Paints(QObject):
    """The regions a widget repaints."""

    def __init__(self) -> None:
        super().__init__()
        self.regions: list[QRegion] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            assert isinstance(event, QPaintEvent)
            self.regions.append(QRegion(event.region()))
        return False


@pytest.fixture
def painted(model: BoardModel, qtbot: QtBot) -> Iterator[tuple[QTableView, Paints]]:
    view = table(model, qtbot, CellDelegate(model))
    paints = Paints()
    view.viewport().installEventFilter(paints)
    qtbot.waitExposed(view)
    yield view, paints
    view.viewport().removeEventFilter(paints)


def test_a_tick_repaints_only_the_cells_whose_text_changed(
    model: BoardModel, painted: tuple[QTableView, Paints], qtbot: QtBot
) -> None:
    view, paints = painted
    visible = range(model.rowCount())
    model.tick(T0 + timedelta(minutes=9, seconds=1), visible)  # past the minute's turn
    qtbot.wait(50)
    before = {(r, c): model.cell(r, c).text for r in visible for c in Column}
    paints.regions.clear()
    model.tick(T0 + timedelta(minutes=9, seconds=2), visible)
    qtbot.waitUntil(lambda: bool(paints.regions))
    after = {(r, c): model.cell(r, c).text for r in visible for c in Column}
    moved = {place for place in after if after[place] != before[place]}
    assert moved  # the clocks under an hour show seconds
    repainted = QRegion()
    for region in paints.regions:
        repainted += region
    for r in visible:
        for c in Column:
            cell = view.visualRect(model.index(r, c))
            if (r, c) in moved:
                assert repainted.contains(cell), (r, c)
            else:  # Qt may touch a neighbour's edge pixel; never its inside
                assert not repainted.intersects(cell.adjusted(2, 2, -2, -2)), (r, c)
    assert len(moved) < 2 * len(visible)  # not every countdown: most show minutes


def test_a_selected_row_keeps_its_priority_colour(model: BoardModel, qtbot: QtBot) -> None:
    view = table(model, qtbot, CellDelegate(model))
    view.setFocus()
    for row in range(model.rowCount()):  # the cursor on the row, and not on it
        view.selectRow(row)
        for current in (model.index(row, Column.PRIORITY), model.index(row, Column.TITLE)):
            view.setCurrentIndex(current)
            rect = view.visualRect(model.index(row, Column.PRIORITY))
            pixel = grab(view).pixelColor(rect.left() + 6, rect.top() + 6)
            badge = cell_styles()[model.cell(row, Column.PRIORITY).look].background
            assert pixel == badge
