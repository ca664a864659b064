"""No SLA state or priority is told by colour alone: under simulated protanopia,
deuteranopia and tritanopia (tests/views/colour_vision.py), any two loud cells whose
colours come too close are still told apart by what is painted beside the colour."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from itertools import combinations

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from noc_console.models.incident import Priority
from noc_console.models.sla_clock import SlaClock
from noc_console.services.board.columns import Column, Look
from noc_console.services.board.feed import BoardUpdate
from noc_console.services.board.live_rows import LiveRows
from noc_console.views.board.cell_delegate import CellDelegate
from noc_console.views.board.cell_style import cell_styles
from noc_console.views.board.model import BoardModel
from noc_console.views.theme import apply_theme
from tests.conftest import T0
from tests.factories import board_row
from tests.views.colour_vision import MACHADO, Rgb, delta_e, simulate
from tests.views.test_cell_delegate import grab, table

CLOSE = 20.0  # ΔE below which two flat colours are too alike to tell apart at a glance
LOUD = (Look.P1, Look.P2, Look.WARNING, Look.CRITICAL, Look.BREACHED, Look.PAUSED)
HOUR = timedelta(hours=1)


def clock(minutes_left: int, **fields: object) -> SlaClock:
    return SlaClock(T0 + timedelta(minutes=minutes_left), 2 * HOUR, **fields)  # type: ignore[arg-type]


ROWS = {  # the look of each row's resolution cell (P1 and P2: of its priority cell)
    Look.WARNING: board_row(1, resolution=clock(25)),
    Look.CRITICAL: board_row(2, resolution=clock(10)),
    Look.BREACHED: board_row(3, resolution=clock(-25)),
    Look.PAUSED: board_row(4, resolution=clock(25, paused_since=T0 - HOUR)),
    Look.P1: board_row(5, priority=Priority.P1, resolution=clock(100)),
    Look.P2: board_row(6, priority=Priority.P2, resolution=clock(100)),
}


@pytest.fixture(params=["dark", "light"])
def theme(request: pytest.FixtureRequest) -> Iterator[str]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, request.param)
    yield request.param
    apply_theme(app, "dark")


def cells(qtbot: QtBot) -> dict[Look, QImage]:
    """Each loud look as the board paints it, one cell each, all the same size."""
    board = BoardModel(LiveRows(T0))
    board.apply(BoardUpdate(list(ROWS.values()), [], full=True))
    view = table(board, qtbot, CellDelegate(board))
    for column in (Column.PRIORITY, Column.RESOLUTION):
        view.horizontalHeader().resizeSection(column, 64)
    image = grab(view)
    found: dict[Look, QImage] = {}
    for row in range(board.rowCount()):
        for column in (Column.PRIORITY, Column.RESOLUTION):
            look = board.cell(row, column).look
            if look in LOUD and look not in found:
                found[look] = image.copy(view.visualRect(board.index(row, column)))
    assert set(found) == set(LOUD)
    return found


def rgb(image: QImage, x: int, y: int) -> Rgb:
    colour = QColor(image.pixel(x, y))
    return (colour.red(), colour.green(), colour.blue())


def ink(image: QImage, background: Rgb, deficiency: str) -> set[tuple[int, int]]:
    """Where the cell's left part and border differ from its background, as seen with
    `deficiency`: the painted shape beside the colour (countdown texts sit right)."""
    seen = simulate(background, deficiency)
    width, height = image.width(), image.height()
    spots = set()
    for x in range(width):
        for y in range(height - 6):  # above the countdown bar
            edge = x < 4 or y < 4 or x >= width - 4  # where an outline is
            if (edge or x < height + 4) and (
                delta_e(simulate(rgb(image, x, y), deficiency), seen) > CLOSE
            ):
                spots.add((x, y))
    return spots


@pytest.mark.parametrize("deficiency", sorted(MACHADO))
def test_states_that_look_alike_are_told_apart_by_their_shape(
    qtbot: QtBot, theme: str, deficiency: str
) -> None:
    painted = cells(qtbot)
    styles = cell_styles()
    close = []
    for a, b in combinations(LOUD, 2):
        ground_a, ground_b = styles[a].background, styles[b].background
        assert ground_a is not None
        assert ground_b is not None
        colour_a = (ground_a.red(), ground_a.green(), ground_a.blue())
        colour_b = (ground_b.red(), ground_b.green(), ground_b.blue())
        if delta_e(simulate(colour_a, deficiency), simulate(colour_b, deficiency)) >= CLOSE:
            continue
        close.append((a, b))
        shape_a = ink(painted[a], colour_a, deficiency)
        shape_b = ink(painted[b], colour_b, deficiency)
        assert shape_a or shape_b, (theme, deficiency, a, b)
        assert len(shape_a ^ shape_b) >= 20, (theme, deficiency, a, b)
    if deficiency == "deuteranopia" and theme == "dark":
        assert (Look.WARNING, Look.CRITICAL) in close  # the case that needs the shapes


def test_light_theme_state_cells_are_not_dark_blocks(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "light")
    try:
        painted = cells(qtbot)
    finally:
        apply_theme(app, "dark")
    for look in (Look.PAUSED, Look.WARNING, Look.CRITICAL):
        image = painted[look]
        corner = QColor(image.pixel(image.width() - 2, 2))
        assert corner.lightnessF() > 0.7, (look, corner.name())
