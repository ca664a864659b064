"""The real console as a subprocess, the way a person or a script runs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from noc_console.services.export import EXPORT_KEYS
from noc_console.views.theme import PRIORITY_COLOURS
from tests.e2e.workspace_console import one_error_line

pytestmark = pytest.mark.e2e


def console(*args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "noc_console", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_screenshot_of_a_populated_board(tmp_path: Path) -> None:
    png = tmp_path / "board.png"
    result = console("--demo", "--screenshot", str(png))
    assert result.returncode == 0, result.stderr
    image = QImage(str(png))
    assert not image.isNull()
    assert (image.width(), image.height()) == (1600, 900)
    colours = {image.pixel(x, y) for x in range(0, 1600, 4) for y in range(0, 900, 4)}
    assert len(colours) > 200  # text, badges and countdowns, not a blank window
    badge_colours = {QColor(bg).rgb() for bg, _ in PRIORITY_COLOURS.values()}
    assert len(badge_colours & colours) >= 3  # priority badges are painted


def test_export_json_prints_open_demo_incidents() -> None:
    result = console("--demo", "export", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert len(records) > 20
    assert all(tuple(r) == tuple(EXPORT_KEYS) for r in records)
    assert {r["status"] for r in records} <= {
        "new",
        "acknowledged",
        "in_progress",
        "waiting_customer",
        "waiting_vendor",
    }
    states = {"ok", "warning", "critical", "breached", "paused", "met"}
    assert {r["response_state"] for r in records} <= states
    assert all(r["created_at"].endswith("Z") for r in records)


def test_export_csv_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "open.csv"
    result = console("--demo", "export", "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    header, *lines = out.read_text(encoding="utf-8").splitlines()
    assert header == ",".join(EXPORT_KEYS)
    assert len(lines) > 20


def test_headless_commands_never_load_qt(tmp_path: Path) -> None:
    out = str(tmp_path / "x.json")
    script = (
        "import sys\n"
        "from noc_console.cli import main\n"
        f"assert main(['--demo', 'export', '--format', 'json', '--out', {out!r}]) == 0\n"
        f"assert main(['--demo', '--db', 'sqlite:///{tmp_path}/c.db', 'sync', '--once']) == 0\n"
        f"for fmt in ('csv', 'html'):\n"
        f"    assert main(['--demo', 'report', '--client', 'Northwind Bank', '--period', "
        f"'2026-11', '--format', fmt, '--out', {str(tmp_path / 'r')!r} + fmt]) in (0, 1)\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt was imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_sync_once_fills_a_persistent_cache(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cache.sqlite3'}"
    result = console("--demo", "--db", url, "sync", "--once")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("demo: ")
    assert (tmp_path / "cache.sqlite3").stat().st_size > 0


def test_corrupt_cache_is_one_clear_line(tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite3"
    cache.write_bytes(b"\x00garbage" * 512)
    line = one_error_line(
        console("--db", f"sqlite:///{cache}", "--demo", "export", "--format", "json")
    )
    assert str(cache) in line
    assert "corrupt" in line


def test_unopenable_db_is_one_clear_line(tmp_path: Path) -> None:
    line = one_error_line(
        console("--db", f"sqlite:///{tmp_path}/no/such/dir/c.db", "sync", "--once")
    )
    assert "does not exist" in line


def test_gui_with_corrupt_cache_fails_before_any_window(tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite3"
    cache.write_bytes(b"\x00garbage" * 512)
    png = tmp_path / "x.png"
    line = one_error_line(console("--db", f"sqlite:///{cache}", "--screenshot", str(png)))
    assert str(cache) in line
    assert not png.exists()


def test_broken_config_names_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("sync_interval_s = 'often'\n", encoding="utf-8")
    line = one_error_line(console("--config", str(config), "sync", "--once"))
    assert str(config) in line
    assert "sync_interval_s" in line
    assert "must be a number from 1 to 86400" in line


def test_missing_config_given_explicitly_is_an_error(tmp_path: Path) -> None:
    line = one_error_line(console("--config", str(tmp_path / "absent.toml"), "sync", "--once"))
    assert "does not exist" in line


def test_sync_once_against_a_psa_and_its_failure(tmp_path: Path) -> None:
    from tests.e2e.workspace_console import rest_json_workspace
    from tests.fakes.fake_psa import FakePsa, running

    fake = FakePsa()
    fake.add(1)
    fake.add(2)
    with running(fake) as psa:
        config, db = rest_json_workspace(tmp_path, psa.url)
        result = console("--config", str(config), "--db", db, "sync", "--once")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("psa: 2 changed, 0 skipped; actions: 0 delivered")
    line = one_error_line(console("--config", str(config), "--db", db, "sync", "--once"))
    assert line.startswith(
        "noc-console: psa: cannot connect: nothing is answering at http://127.0.0.1:"
    )
    exported = json.loads(
        console("--config", str(config), "--db", db, "export", "--format", "json").stdout
    )
    assert [r["external_id"] for r in exported] == ["INC-1", "INC-2"]  # the cache still serves


def test_wall_screenshot_at_1080p(tmp_path: Path) -> None:
    png = tmp_path / "wall.png"
    result = console("--demo", "--wall", "--screenshot", str(png))
    assert result.returncode == 0, result.stderr
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1920, 1080)
    colours = {image.pixel(x, y) for x in range(0, 1920, 4) for y in range(0, 1080, 4)}
    badge_colours = {QColor(bg).rgb() for bg, _ in PRIORITY_COLOURS.values()}
    assert badge_colours <= colours  # the overview's tiles: every priority, in its colour


def test_wall_fills_the_chosen_screen(tmp_path: Path) -> None:
    screens = tmp_path / "screens.json"
    screens.write_text(
        json.dumps(
            {
                "screens": [
                    {"name": "HD", "x": 0, "y": 0, "width": 1920, "height": 1080},
                    {"name": "UHD", "x": 1920, "y": 0, "width": 3840, "height": 2160},
                ]
            }
        ),
        encoding="utf-8",
    )
    png = tmp_path / "wall-4k.png"
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screens}"}
    result = subprocess.run(
        [sys.executable, "-m", "noc_console", "--demo", "--wall", "--screen", "1",
         "--screenshot", str(png)],
        capture_output=True, text=True, timeout=90, check=False, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    image = QImage(str(png))
    assert (image.width(), image.height()) == (3840, 2160)


def test_wall_options_need_wall() -> None:
    result = console("--demo", "--clients", "acme")
    assert result.returncode == 2
    assert "--clients and --screen need --wall" in result.stderr


def test_handover_html_and_pdf_from_a_stored_handover(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from noc_console.models.cache.handover_table import SavedHandover
    from noc_console.models.cache.store import Store
    from noc_console.models.clock import SystemClock
    from noc_console.models.shift import ShiftPlan

    url = f"sqlite:///{tmp_path / 'cache.sqlite3'}"
    assert console("--demo", "--db", url, "sync", "--once").returncode == 0
    span = ShiftPlan().span_at(SystemClock().now())  # default shifts, UTC
    store = Store.open(url)
    stored = store.save_handover(
        SavedHandover(
            span.name, span.start, span.end, span.start, "Dana", note="Watch the Leeds VPN"
        )
    )
    store.acknowledge_handover(stored.id, "Sam", span.start)
    open_ids = {r.key.external_id for r in store.open_rows()}
    store.close()

    html, pdf = tmp_path / "handover.html", tmp_path / "handover.pdf"
    result = console("--db", url, "handover", "--format", "html", "--out", str(html))
    assert result.returncode == 0, result.stderr
    text = html.read_text(encoding="utf-8")
    assert f"Shift handover — {span.name}" in text
    assert "Watch the Leeds VPN" in text
    assert "acknowledged by Sam" in text
    assert open_ids <= set(re.findall(r"DEMO-\d+", text))

    result = console(
        "--db", url, "handover", "--format", "pdf", "--out", str(pdf), "--shift", span.name
    )
    assert result.returncode == 0, result.stderr
    pdf_text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(pdf)).pages)
    assert "Watch the Leeds VPN" in pdf_text
    assert open_ids <= set(re.findall(r"DEMO-\d+", pdf_text))


def test_handover_html_does_not_load_qt_and_bad_input_is_named(tmp_path: Path) -> None:
    out = tmp_path / "h.html"
    script = (
        "import sys\n"
        "from noc_console.cli import main\n"
        f"assert main(['--demo', 'handover', '--format', 'html', '--out', {str(out)!r}]) == 0\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt was imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    result = console("--demo", "handover", "--format", "html", "--out", str(out), "--at", "noon")
    assert result.returncode == 2
    assert "--at 'noon' is not an ISO time" in result.stderr
    result = console("--demo", "handover", "--format", "pdf", "--out", str(out), "--shift", "Day")
    assert result.returncode == 2
    assert "no shift named 'Day'" in result.stderr
    missing = tmp_path / "no-such-folder" / "h.pdf"
    result = console("--demo", "handover", "--format", "pdf", "--out", str(missing))
    assert result.returncode == 1
    assert f"cannot write {missing}" in result.stderr
