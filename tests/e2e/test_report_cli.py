"""`noc-console report` (issue 22 item 5) through the command line's `main`, on a cache
holding the hand-computed November (tests/services/metrics_month.py): each format is
written, A4, headed by the configured MSP; bad input is one line on stderr."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from noc_console.cli import main
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from tests.services.metrics_month import NOW, fill

LOGO = Path(__file__).parents[2] / "resources" / "icons" / "noc-console.png"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        '[[connectors]]\nname = "demo"\ntype = "demo"\n\n'  # configured: the cache as it is
        f'[report]\nmsp_name = "Example Managed Services"\nlogo = "{LOGO}"\n',
        encoding="utf-8",
    )
    store = Store.open(f"sqlite:///{tmp_path / 'cache.sqlite3'}")
    fill(store)
    store.close()
    return tmp_path


def report(workspace: Path, *args: str) -> int:
    db = f"sqlite:///{workspace / 'cache.sqlite3'}"
    argv = ["--config", str(workspace / "config.toml"), "--db", db, "report", *args]
    return main(argv, clock=ManualClock(NOW))


def test_each_format_is_written(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("csv", "html", "pdf"):
        out = workspace / f"acme.{fmt}"
        assert report(workspace, "--client", "Acme Ltd", "--period", "2026-11",
                      "--format", fmt, "--out", str(out)) == 0  # fmt: skip
    assert capsys.readouterr().err == ""
    rows = list(csv.DictReader(io.StringIO((workspace / "acme.csv").read_text("utf-8"))))
    assert rows[0]["section"] == "total"
    assert rows[0]["compliance_pct"] == "57.1"
    html = (workspace / "acme.html").read_text("utf-8")
    assert "Example Managed Services" in html
    assert "data:image/png;base64," in html
    pdf = (workspace / "acme.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert re.search(rb"MediaBox \[0 0 595(\.0+)? 842(\.0+)?\]", pdf)  # A4 portrait, points


def test_an_unknown_client_writes_an_empty_report_and_says_so(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = workspace / "nobody.html"
    assert report(workspace, "--client", "Nobody", "--period", "2026-11", "--format", "html",
                  "--out", str(out)) == 1  # fmt: skip
    line = capsys.readouterr().err.strip()
    assert line.startswith("noc-console: report: No client named 'Nobody' in the cache")
    assert "\n" not in line
    assert "This report is empty." in out.read_text("utf-8")


def test_a_quiet_month_writes_an_empty_report(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = workspace / "quiet.csv"
    assert report(workspace, "--client", "acme", "--period", "2026-08", "--format", "csv",
                  "--out", str(out)) == 0  # fmt: skip
    assert "No incidents for Acme Ltd in 2026-08." in capsys.readouterr().err
    assert "No incidents" in out.read_text("utf-8")


@pytest.mark.parametrize(
    ("period", "code", "message"),
    [
        ("2026-12", 1, "period 2026-12 has not begun yet"),
        ("2026-13", 2, "period '2026-13' is not a month written YYYY-MM"),
        ("last month", 2, "is not a month written YYYY-MM"),
    ],
)
def test_a_bad_period_is_refused_and_nothing_written(
    workspace: Path, capsys: pytest.CaptureFixture[str], period: str, code: int, message: str
) -> None:
    out = workspace / "refused.pdf"
    assert report(workspace, "--client", "acme", "--period", period, "--format", "pdf",
                  "--out", str(out)) == code  # fmt: skip
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_a_logo_that_cannot_be_read_is_named(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = workspace / "config.toml"
    config.write_text(config.read_text("utf-8").replace(str(LOGO), str(workspace / "none.png")),
                      encoding="utf-8")  # fmt: skip
    out = workspace / "acme.html"
    assert report(workspace, "--client", "acme", "--period", "2026-11", "--format", "html",
                  "--out", str(out)) == 1  # fmt: skip
    assert f"report.logo {workspace / 'none.png'}: No such file" in capsys.readouterr().err
    assert not out.exists()
