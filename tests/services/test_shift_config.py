"""The `[[shifts]]` and `[handover]` configuration: defaults, values, clear errors."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from noc_console.models.errors import ConfigError
from noc_console.models.shift import DEFAULT_SHIFTS
from noc_console.services.config import load_config


def load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_defaults_are_three_eight_hour_shifts_in_utc(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.toml")
    assert config.shifts.shifts == DEFAULT_SHIFTS
    assert config.shifts.timezone == "UTC"


def test_shifts_and_zone_are_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[handover]\ntimezone = "Europe/Berlin"\n'
        '[[shifts]]\nname = "Day"\nstart = "06:30"\nend = "18:30"\n'
        '[[shifts]]\nname = "Night"\nstart = "18:30"\nend = "06:30"\n',
        encoding="utf-8",
    )
    plan = load_config(path).shifts
    assert plan.timezone == "Europe/Berlin"
    assert [(s.name, s.start, s.end) for s in plan.shifts] == [
        ("Day", time(6, 30), time(18, 30)),
        ("Night", time(18, 30), time(6, 30)),
    ]


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ('[handover]\ntimezone = "Moon/Base"\n', "handover.timezone", "unknown time zone"),
        ("[handover]\nzone = 1\n", "handover.zone", "unknown key"),
        ('[[shifts]]\nname = "A"\nstart = "7am"\nend = "07:00"\n', "shifts[0].start", "07:00"),
        ('[[shifts]]\nname = "A"\nstart = "07:00"\n', "shifts[0].end", "is required"),
        (
            '[[shifts]]\nname = "A"\nstart = "07:00"\nend = "07:00"\nteam = "x"\n',
            "shifts[0].team",
            "unknown key",
        ),
        ('[[shifts]]\nname = "A"\nstart = "07:00"\nend = "19:00"\n', "shifts", "without gaps"),
        ('shifts = "Early"\n', "shifts", "array of tables"),
    ],
)
def test_mistakes_name_file_key_and_problem(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    message = str(caught.value)
    assert "config.toml" in message
    assert f"{key}:" in message
    assert problem in message
