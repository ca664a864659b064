"""`--metrics`: the Metrics view opened at start, and rendered by `--screenshot`."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from noc_console.views.metrics.window import OPENED, RESOLVED
from tests.e2e.test_cli import console

pytestmark = pytest.mark.e2e


def test_screenshot_of_the_metrics_view(tmp_path: Path) -> None:
    png = tmp_path / "metrics.png"
    result = console("--demo", "--metrics", "--screenshot", str(png))
    assert result.returncode == 0, result.stderr
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1600, 900)
    colours = {image.pixel(x, y) for x in range(0, 1600, 2) for y in range(0, 900, 2)}
    # Today's demo incidents are in the opened vs resolved chart: both bar colours.
    assert {QColor(OPENED).rgb(), QColor(RESOLVED).rgb()} <= colours


def test_metrics_is_a_desk_window_not_a_wall_page() -> None:
    result = console("--demo", "--wall", "--metrics")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "noc-console: --metrics is a board window; the wall has a metrics page"
    ]
