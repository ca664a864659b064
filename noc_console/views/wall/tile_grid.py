"""A grid of equal tiles that fills the room it is given: as many columns as tiles of a
given width fit across, as many rows as fit down. Tiles are made when a bigger screen
first needs them, then only moved and refilled (the overview's client tiles, the
metrics page's compliance tiles)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtWidgets import QGridLayout, QWidget

from noc_console.views.wall.scale import WallScale, apply_scale

W = TypeVar("W", bound=QWidget)


class TileGrid(Generic[W]):
    def __init__(self, make: Callable[[], W], rescale: Callable[[W, WallScale], None]) -> None:
        self.layout = QGridLayout()
        self.tiles: list[W] = []
        self.shape = (0, 0)  # columns, rows
        self._make = make  # a new tile
        self._rescale = rescale  # a tile's own layout for a scale (margins, fixed sizes)

    @property
    def capacity(self) -> int:
        return self.shape[0] * self.shape[1]

    def reset(self) -> None:
        """Fit again at the next `fit` (the room changed)."""
        self.shape = (0, 0)

    def rescale(self, scale: WallScale) -> None:
        """A new screen size: spacing and every tile made so far; fit again next time."""
        self.layout.setSpacing(scale.gap())
        for view in self.tiles:
            self._rescale(view, scale)
        self.reset()

    def fit(self, scale: WallScale, width: int, room: int, tile_height: int, ems: float) -> bool:
        """Tiles `ems` body-text heights wide across `width`, `tile_height` tall down
        `room`; True when the grid changed shape (refill it)."""
        columns = max(2, width // round(scale.px("body") * ems))
        rows = max(1, room // (tile_height + self.layout.spacing()))
        if (columns, rows) == self.shape:
            return False
        self.shape = (columns, rows)
        while len(self.tiles) < columns * rows:
            view = self._make()
            self._rescale(view, scale)
            apply_scale(view, scale)
            view.hide()
            self.tiles.append(view)
        for view in self.tiles:
            self.layout.removeWidget(view)
            view.hide()
        for i, view in enumerate(self.tiles[: columns * rows]):
            self.layout.addWidget(view, i // columns, i % columns)
        for column in range(self.layout.columnCount()):
            self.layout.setColumnStretch(column, 1 if column < columns else 0)
        return True
