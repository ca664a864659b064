from pathlib import Path

import pytest

from noc_console.models.errors import ConfigError
from noc_console.services.config import load_config
from noc_console.services.wall.config import WallSettings
from tests.services.test_config import write


def test_no_wall_table_means_defaults(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "theme = 'dark'\n")).wall == WallSettings()


def test_wall_table_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[wall]\npage_interval_s = 30\npages = ['queue:breached', 'overview']\n"
        "rows_per_page = 6\nstale_after_s = 90.5\npixel_shift_px = 0\npixel_shift_every_s = 60\n",
    )
    wall = load_config(path).wall
    assert wall == WallSettings(30.0, ("queue:breached", "overview"), 6, 90.5, 0, 60.0)


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("wall = 3", "wall", "must be a table"),
        ("[wall]\ncolour = 'red'", "wall.colour", "unknown key"),
        ("[wall]\npage_interval_s = 'soon'", "wall.page_interval_s", "must be a number from 3"),
        ("[wall]\npage_interval_s = 1", "wall.page_interval_s", "from 3 to 3600"),
        ("[wall]\nrows_per_page = 4.5", "wall.rows_per_page", "whole number"),
        ("[wall]\npixel_shift_px = true", "wall.pixel_shift_px", "must be a whole number"),
        ("[wall]\npages = []", "wall.pages", "non-empty list"),
        ("[wall]\npages = 'overview'", "wall.pages", "non-empty list"),
        ("[wall]\npages = ['overview', 'weather']", "wall.pages[1]", "'weather' is not a page"),
        ("[wall]\npages = ['queue:nope']", "wall.pages[0]", "names no queue"),
        ("[wall]\npages = ['queue:mine']", "wall.pages[0]", "names no queue"),
        ("[wall]\npages = ['overview', 'overview']", "wall.pages[1]", "listed twice"),
    ],
)
def test_errors_name_file_key_and_problem(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.path == str(path)
    assert caught.value.key == key
    assert problem in caught.value.problem


def test_settings_refuse_an_unknown_page() -> None:
    with pytest.raises(ValueError, match="weather"):
        WallSettings(pages=("weather",))
