"""Typography of the wall, scaled from the size of the screen it is on.

Up to 1080 lines, text is a fixed share of the screen's height (legibility at five
metres depends on that share, not on pixels). Above, text grows with the square root
of the extra height: a 4K wall (usually a bigger panel, watched from as far) gets text
1.41× the pixels of 1080p, legible at the same distance, and spends the rest of its
height on more rows and tiles rather than on a scaled-up 1080p picture. Every text of
the wall carries a role (the `ROLE` property); `apply_scale` gives each its pixel size.
The basis is the height, or the height a 16:9 picture of that width would have if the
screen is narrower, so nothing runs off a 4:3 or portrait screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget

#: The Qt property naming a label's text role.
ROLE = "wallRole"

#: Text height as a share of the type basis, per role. The smallest (2.4 %) is ~26 px
#: on 1080p: about 9 mm on a 55" screen, comfortably read at 5 m.
SHARES: dict[str, float] = {
    "small": 0.024,
    "body": 0.032,
    "head": 0.040,
    "banner": 0.046,
    "number": 0.090,
}
WEIGHTS: dict[str, QFont.Weight] = {
    "small": QFont.Weight.Medium,
    "body": QFont.Weight.DemiBold,
    "head": QFont.Weight.Bold,
    "banner": QFont.Weight.Black,
    "number": QFont.Weight.Black,
}


#: Up to this basis text is a share of the height; above, it grows with the square root.
FULL_SCALE_UP_TO = 1080.0


@dataclass(frozen=True, slots=True)
class WallScale:
    basis: float  # pixels

    @classmethod
    def for_size(cls, size: QSize) -> WallScale:
        return cls(max(1.0, min(size.height(), size.width() * 9 / 16)))

    @property
    def type_basis(self) -> float:
        """The height text sizes are shares of: the basis up to 1080, then its square
        root's growth (2160 → 1527)."""
        if self.basis <= FULL_SCALE_UP_TO:
            return self.basis
        return FULL_SCALE_UP_TO * math.sqrt(self.basis / FULL_SCALE_UP_TO)

    def px(self, role: str) -> int:
        """Pixel size of the text of `role`."""
        return max(8, round(self.type_basis * SHARES[role]))

    def gap(self, factor: float = 1.0) -> int:
        """Spacing: one unit is 1 % of the type basis."""
        return max(1, round(self.type_basis * 0.01 * factor))

    def font(self, base: QFont, role: str) -> QFont:
        font = QFont(base)
        font.setPixelSize(self.px(role))
        font.setWeight(WEIGHTS[role])
        return font


def label(text: str, role: str, parent: QWidget | None = None) -> QLabel:
    """A wall label of `role`, plain text; its font comes from `apply_scale`."""
    widget = QLabel(text, parent)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setProperty(ROLE, role)
    return widget


def apply_scale(root: QWidget, scale: WallScale) -> None:
    """Give every labelled text under `root` its size (on resize only: setFont relayouts)."""
    base = root.font()
    for child in root.findChildren(QLabel):
        role = child.property(ROLE)
        if isinstance(role, str) and role in SHARES:
            font = scale.font(base, role)
            if child.font() != font:
                child.setFont(font)
